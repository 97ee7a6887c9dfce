"""A compose project driven from a drill (tests/ha): its settings and URLs, tokens for its APIs, and the
compose and docker operations a drill performs on it. The images carry names of the drills' own
(`bapas-ha-rabbit/...`), so a drill never retags the images another run uses; host ports are free
loopback ports.
"""
import os
import shlex
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.support.client import ServiceClient, token
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
IMAGES = {"BAPAS_IMAGE": "bapas-ha-rabbit/app", "RABBITMQ_IMAGE": "bapas-ha-rabbit/rabbitmq:3-debian",
          "REDIS_IMAGE": "bapas-ha-rabbit/redis:7-debian"}
READY_TIMEOUT = 300.0


def compose_command() -> list[str]:
    for command in ("docker compose", "docker-compose"):
        try:
            if subprocess.run(shlex.split(command) + ["version"], capture_output=True, timeout=30).returncode == 0:
                return shlex.split(command)
        except (OSError, subprocess.TimeoutExpired):
            continue
    pytest.skip("neither `docker compose` nor `docker-compose` is installed")


def engine_or_skip() -> list[str]:
    if subprocess.run(["docker", "info"], capture_output=True, timeout=60).returncode != 0:
        pytest.skip("the Docker engine does not answer `docker info` (make compose-engine starts one)")
    for script in ("docker/host-ca.sh", "docker/base-image.sh"):
        subprocess.run(["bash", script], cwd=ROOT, check=True, capture_output=True, timeout=900)
    return compose_command()


def docker(*args: str, timeout: float = 120, check: bool = True) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"docker {shlex.join(args)}: {done.stdout}{done.stderr}")
    return done.stdout


def settings(region: str, **extra: str) -> dict:
    return {"BAPAS_REGION": region, "BAPAS_JWT_SECRET": "ha-rabbit-" + os.urandom(12).hex(),
            "REDIS_PASSWORD": os.urandom(16).hex(), "RABBITMQ_PASSWORD": os.urandom(16).hex(),
            "RABBITMQ_ERLANG_COOKIE": os.urandom(20).hex(), "INFRA_BIND_ADDRESS": "127.0.0.1",
            "REDIS_HOST_PORT": str(free_port()), "AMQP_HOST_PORT": str(free_port()),
            "RABBITMQ_UI_HOST_PORT": str(free_port()),
            **{f"{name}_HOST_PORT": str(free_port()) for name in ("KLIEN", "POKMAS", "BIMBINGAN", "LAPORAN")},
            # Two cores for every helper's work: the APIs and workers get less than a full one each.
            "BAPAS_API_CPUS": "0.5", "BAPAS_WORKER_CPUS": "0.3", "RABBITMQ_MEM_LIMIT": "512m",
            **IMAGES, **extra}


class Project:
    """One compose project: its settings, URLs, tokens, and the compose and docker operations of a drill."""

    def __init__(self, command: list[str], name: str, files: list[str], env: dict):
        self.command, self.name, self.files, self.settings = command, name, files, env
        self.region = env["BAPAS_REGION"]
        self.jwt_secret = env["BAPAS_JWT_SECRET"]
        self.redis_url = f"redis://:{env['REDIS_PASSWORD']}@127.0.0.1:{env['REDIS_HOST_PORT']}/0"
        ports = [env["AMQP_HOST_PORT"]] + [env[key] for key in ("AMQP2_HOST_PORT", "AMQP3_HOST_PORT") if key in env]
        self.broker_url = ";".join(f"amqp://bapas:{env['RABBITMQ_PASSWORD']}@127.0.0.1:{port}//" for port in ports)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.settings[service.upper() + '_HOST_PORT']}"

    klien_url = property(lambda self: self.url("klien"))
    pokmas_url = property(lambda self: self.url("pokmas"))
    bimbingan_url = property(lambda self: self.url("bimbingan"))
    laporan_url = property(lambda self: self.url("laporan"))

    def client(self, service: str, role: str = "admin") -> ServiceClient:
        return ServiceClient(self.url(service), token(role=role, sub="ha-drill", secret=self.jwt_secret,
                                                      region=self.region))

    def compose(self, *args: str, check: bool = True, timeout: float = 900) -> str:
        argv = [*self.command, *(f for name in self.files for f in ("-f", name)), "-p", self.name, *args]
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, **self.settings})
        if check and done.returncode != 0:
            raise RuntimeError(f"{shlex.join(argv)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
        return done.stdout + done.stderr

    def container(self, service: str) -> str:
        ids = self.compose("ps", "-q", service).split()
        assert len(ids) == 1, f"{self.name}: {service} has containers {ids}"
        return ids[0]

    def logs(self, service: str) -> str:
        return self.compose("logs", "--no-color", service, timeout=120)

    def exec(self, service: str, *argv: str, stdin: str | None = None) -> str:
        done = subprocess.run(["docker", "exec", "-i", self.container(service), *argv], input=stdin,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{self.name} {service}: {shlex.join(argv)}: {done.stdout}{done.stderr}")
        return done.stdout

    def up(self, *services: str) -> None:
        self.compose("down", "-v", "--remove-orphans", check=False)
        self.compose("up", "-d", *services)

    def down(self) -> None:
        if os.environ.get("BAPAS_E2E_KEEP") != "1":
            self.compose("down", "-v", "--remove-orphans", check=False)

    def wait_ready(self, apis: tuple[str, ...], timeout: float = READY_TIMEOUT) -> None:
        """Each API answers /readyz 200, and each of their workers says it is healthy."""
        deadline = time.monotonic() + timeout
        for name in apis:
            while not (self._answers(self.url(name) + "/readyz") and self._worker_healthy(name)):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name}: {name} not ready after {timeout:.0f}s\n"
                                       f"{self.compose('ps', check=False)}\n{self.logs(name + '-worker')[-3000:]}")
                time.sleep(2)

    def _worker_healthy(self, service: str) -> bool:
        try:
            self.exec(f"{service}-worker", "bapas", "worker-health", service)
            return True
        except (RuntimeError, AssertionError):
            return False

    @staticmethod
    def _answers(url: str) -> bool:
        try:
            return requests.get(url, timeout=3).status_code == 200
        except requests.RequestException:
            return False
