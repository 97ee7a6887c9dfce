"""The Redis HA stack for the drills: docker-compose.yml + the Debian override + deploy/ha/redis-sentinel.yml,
as the compose project `bapas-ha-redis` (never the compose tier's `bapas-e2e`), with images of its own
names (so it never retags the images another run uses), host ports on 127.0.0.1 only, and plain HTTP
at the front. pytest-docker builds it from the layer cache and removes it (volumes too) at the end.
"""
import os
import shlex
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests
from pytest_docker.plugin import get_docker_services

from tests.ha.compose_project import compose_command
from tests.support.client import ServiceClient, token
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "bapas-ha-redis"
FILES = ["docker-compose.yml", "docker-compose.debian.yml", "deploy/ha/redis-sentinel.yml"]
APIS = {"klien": 5001, "pokmas": 5002, "bimbingan": 5003, "laporan": 5004}
MASTER = "bapas"
READY_TIMEOUT = 300.0


def _settings() -> dict:
    return {
        "BAPAS_REGION": "hareg",
        "BAPAS_JWT_SECRET": "ha-secret-" + os.urandom(12).hex(),
        "REDIS_PASSWORD": os.urandom(16).hex(),
        "RABBITMQ_PASSWORD": os.urandom(16).hex(),
        "BAPAS_TLS_DIR": tempfile.mkdtemp(prefix="bapas-ha-notls-"),  # no certificate: plain HTTP
        "BIND_ADDRESS": "127.0.0.1", "INFRA_BIND_ADDRESS": "127.0.0.1",
        "REDIS_HOST_PORT": str(free_port()), "AMQP_HOST_PORT": str(free_port()),
        "RABBITMQ_UI_HOST_PORT": str(free_port()), "PORTAL_HOST_PORT": str(free_port()),
        **{f"{name.upper()}_HOST_PORT": str(free_port()) for name in APIS},
        "BAPAS_IMAGE": f"{PROJECT}/app", "BAPAS_FRONT_IMAGE": f"{PROJECT}/front",
        "REDIS_IMAGE": f"{PROJECT}/redis:7-debian", "RABBITMQ_IMAGE": f"{PROJECT}/rabbitmq:3-debian",
        "BAPAS_SENTINEL_DOWN_AFTER_MS": "2000",
        # Two cores for the whole stack: the APIs and workers get less than a full one each.
        "BAPAS_API_CPUS": "0.5", "BAPAS_WORKER_CPUS": "0.3",
    }


class HaStack:
    """The running stack: its URLs, tokens, and the compose and docker operations the drills do."""

    def __init__(self, command: list[str], settings: dict):
        self.command = command
        self.settings = settings
        self.region = settings["BAPAS_REGION"]

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.settings[service.upper() + '_HOST_PORT']}"

    def client(self, service: str, role: str = "admin") -> ServiceClient:
        return ServiceClient(self.url(service), token(role=role, sub="ha-drill", secret=self.settings["BAPAS_JWT_SECRET"],
                                                      region=self.region))

    def compose(self, *args: str, check: bool = True, timeout: float = 300) -> str:
        argv = [*self.command, *(f for name in FILES for f in ("-f", name)), "-p", PROJECT, *args]
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise RuntimeError(f"{shlex.join(argv)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
        return done.stdout + done.stderr

    def containers(self, service: str) -> list[str]:
        return self.compose("ps", "-q", service).split()

    def docker(self, *args: str, timeout: float = 60) -> str:
        done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"docker {shlex.join(args)}: {done.stderr}")
        return done.stdout

    def sentinel(self, *args: str) -> list[str]:
        """A Sentinel command, asked of sentinel-1 inside the compose network."""
        return self.compose("exec", "-T", "sentinel-1", "redis-cli", "-p", "26379", "sentinel", *args).split()

    def primary_host(self) -> str:
        return self.sentinel("get-master-addr-by-name", MASTER)[0]

    def ready(self, service: str) -> bool:
        try:
            return requests.get(self.url(service) + "/readyz", timeout=3).status_code == 200
        except requests.RequestException:
            return False

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        for name in APIS:
            while not self.ready(name):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} not ready after {timeout:.0f}s\n{self.compose('ps', check=False)}")
                time.sleep(1)


@pytest.fixture(scope="session")
def ha_redis_stack(pytestconfig):
    if subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
        pytest.skip("the Docker engine does not answer `docker info` (make compose-engine starts one)")
    command = compose_command()
    settings = _settings()
    for script in ("docker/host-ca.sh", "docker/base-image.sh"):
        subprocess.run(["bash", script], cwd=ROOT, check=True, capture_output=True, timeout=900)
    started = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        for key, value in settings.items():
            patch.setenv(key, value)
        keep = os.environ.get("BAPAS_E2E_KEEP") == "1"
        with get_docker_services(shlex.join(command), [str(ROOT / name) for name in FILES], PROJECT,
                                 ["down -v --remove-orphans", "build", "up -d"],
                                 [] if keep else ["down -v --remove-orphans"]):
            stack = HaStack(command, settings)
            stack.wait_ready()
            print(f"\n{PROJECT}: built and ready in {time.monotonic() - started:.0f}s, "
                  f"primary {stack.primary_host()}")
            yield stack
