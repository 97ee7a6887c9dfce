"""The whole stack as local processes (`bapas run`) on free ports, with its own embedded Redis."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from shared.config import SERVICES
from tests.support.client import REGION
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


class LocalStack:
    def __init__(self, broker_url: str | None = None, region: str = REGION, extra_env: dict | None = None):
        self.region = region
        self.jwt_secret = "test-secret-" + os.urandom(8).hex()
        self.data_dir = Path(tempfile.mkdtemp(prefix="bapas-stack-"))
        self.ports = {service: free_port() for service in SERVICES}
        self.redis_port = free_port()
        self.broker_url_override = broker_url
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.log_path = self.data_dir / "stack.log"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    klien_url = property(lambda self: self.url("klien"))
    pokmas_url = property(lambda self: self.url("pokmas"))
    bimbingan_url = property(lambda self: self.url("bimbingan"))
    laporan_url = property(lambda self: self.url("laporan"))

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def broker_url(self) -> str:
        return self.broker_url_override or f"redis://127.0.0.1:{self.redis_port}/1"

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "BROKER_URL")}
        env.update({"BAPAS_REGION": self.region, "BAPAS_JWT_SECRET": self.jwt_secret,
                    "BAPAS_DATA_DIR": str(self.data_dir), "BAPAS_EMBEDDED_REDIS_PORT": str(self.redis_port),
                    "BAPAS_BROKER_VISIBILITY_TIMEOUT": "5", "BROKER_URL": self.broker_url})
        for service, port in self.ports.items():
            env[f"{service.upper()}_PORT"] = str(port)
            env[f"{service.upper()}_URL"] = self.url(service)
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 60) -> "LocalStack":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "shared.cli", "run"], cwd=ROOT, env=self.env(),
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for service in SERVICES:
            while True:
                try:
                    if requests.get(self.url(service) + "/readyz", timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"stack did not become ready; log:\n{self.log()[-4000:]}")
                time.sleep(0.2)

    def state(self) -> dict:
        return json.loads((self.data_dir / "stack.json").read_text())

    def kill_worker(self, service: str) -> int:
        """kill -9 one service's worker; `bapas run` starts it again. Returns the killed pid."""
        pid = self.state()["children"][f"{service}-worker"]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_all(self) -> None:
        """kill -9 the whole process group, embedded Redis included."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        time.sleep(0.5)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
