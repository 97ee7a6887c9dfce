"""The stack as docker compose containers, for `pytest tests/e2e --stack=compose`.

A pytest plugin over pytest-docker: it points pytest-docker at the repository's
compose files (with the Debian override unless BAPAS_COMPOSE_DEBIAN=0), runs
them as the project `bapas-e2e` on free loopback ports, and gives the tests a
`compose_stack` with the same attributes as the local-process stack plus
`restart`, `scale`, `compose` and `logs`.

Images are built from the layer cache, so only changed code is rebuilt; the
containers and their volumes are removed at the end (BAPAS_E2E_KEEP=1 keeps
them for a look afterwards). With no Docker engine the compose tests are
skipped, or fail when BAPAS_REQUIRE_DOCKER=1.

The tests reach the APIs through the front, over HTTPS with a certificate signed by a CA
made for the run (requests verifies against that CA only: REQUESTS_CA_BUNDLE).
"""
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.support.ports import free_port
from tests.support.tls import make_ca_and_server_cert

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "bapas-e2e"
APIS = {"klien": 5001, "pokmas": 5002, "bimbingan": 5003, "laporan": 5004}
WORKERS = {f"{name}-worker": name for name in APIS}
INFRA = ("redis", "rabbitmq", "front")
READY_TIMEOUT = 180.0


def _debian() -> bool:
    return os.environ.get("BAPAS_COMPOSE_DEBIAN", "1") == "1"


def _no_engine(reason: str):
    if os.environ.get("BAPAS_REQUIRE_DOCKER") == "1":
        pytest.fail(f"compose stack required (BAPAS_REQUIRE_DOCKER=1) but {reason}", pytrace=False)
    pytest.skip(f"compose stack unavailable: {reason}")


def _engine_answers() -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _prepare_images() -> None:
    """The Debian base image (made once) and this host's CA bundle for the build."""
    scripts = ["docker/host-ca.sh"] + (["docker/base-image.sh"] if _debian() else [])
    for script in scripts:
        done = subprocess.run(["bash", script], cwd=ROOT, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"{script} failed:\n{done.stdout}{done.stderr}")


@pytest.fixture(scope="session")
def compose_settings():
    """The values the compose file is run with: set in the environment pytest-docker runs compose in."""
    tls_dir = Path(tempfile.mkdtemp(prefix="bapas-e2e-tls-"))
    ca = make_ca_and_server_cert(tls_dir)
    settings = {
        "BAPAS_REGION": "testreg",
        "BAPAS_JWT_SECRET": "e2e-secret-" + os.urandom(12).hex(),
        "REDIS_PASSWORD": os.urandom(16).hex(),
        "RABBITMQ_PASSWORD": os.urandom(16).hex(),
        "BAPAS_TLS_DIR": str(tls_dir),
        "BIND_ADDRESS": "127.0.0.1",
        "INFRA_BIND_ADDRESS": "127.0.0.1",
        "REDIS_HOST_PORT": str(free_port()),
        "AMQP_HOST_PORT": str(free_port()),
        "RABBITMQ_UI_HOST_PORT": str(free_port()),
        **{f"{name.upper()}_HOST_PORT": str(free_port()) for name in APIS},
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in settings.items():
            patch.setenv(key, value)
        patch.setenv("REQUESTS_CA_BUNDLE", str(ca))
        yield {**settings, "CA_BUNDLE_PATH": str(ca)}
    shutil.rmtree(tls_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def docker_compose_command() -> str:
    if not _engine_answers():
        _no_engine("the Docker engine does not answer `docker info` (make compose-engine starts one)")
    for command in ("docker compose", "docker-compose"):
        probe = subprocess.run(shlex.split(command) + ["version"], capture_output=True)
        if probe.returncode == 0:
            return command
    _no_engine("neither `docker compose` nor `docker-compose` is installed")


@pytest.fixture(scope="session")
def docker_compose_file(compose_settings, docker_compose_command):
    _prepare_images()
    files = [ROOT / "docker-compose.yml"] + ([ROOT / "docker-compose.debian.yml"] if _debian() else [])
    return [str(path) for path in files]


@pytest.fixture(scope="session")
def docker_compose_project_name() -> str:
    return PROJECT


@pytest.fixture(scope="session")
def docker_setup():
    # Leftovers of an interrupted run go first; `build` reuses every cached layer.
    return ["down -v --remove-orphans", "build", "up -d"]


@pytest.fixture(scope="session")
def docker_cleanup():
    if os.environ.get("BAPAS_E2E_KEEP") == "1":
        return []
    return ["down -v --remove-orphans"]


class ComposeStack:
    """Where the compose stack answers, and the operations tests perform on it."""

    def __init__(self, command: str, files: list[str], settings: dict):
        self.command = shlex.split(command)
        self.files = files
        self.settings = settings
        self.region = settings["BAPAS_REGION"]
        self.jwt_secret = settings["BAPAS_JWT_SECRET"]
        self.redis_url = f"redis://:{settings['REDIS_PASSWORD']}@127.0.0.1:{settings['REDIS_HOST_PORT']}/0"
        self.broker_url = f"amqp://bapas:{settings['RABBITMQ_PASSWORD']}@127.0.0.1:{settings['AMQP_HOST_PORT']}//"
        self.ca_bundle = settings["CA_BUNDLE_PATH"]
        self.timings: dict[str, float] = {}

    def url(self, service: str) -> str:
        """The front's port for SERVICE, over HTTPS (the certificate names localhost and 127.0.0.1)."""
        return f"https://localhost:{self.settings[service.upper() + '_HOST_PORT']}"

    klien_url = property(lambda self: self.url("klien"))
    pokmas_url = property(lambda self: self.url("pokmas"))
    bimbingan_url = property(lambda self: self.url("bimbingan"))
    laporan_url = property(lambda self: self.url("laporan"))

    def compose(self, *args: str, check: bool = True, timeout: float = 300) -> str:
        """Run `<compose> -f ... -p bapas-e2e ARGS`; return its output (stdout and stderr)."""
        argv = [*self.command, *(f for path in self.files for f in ("-f", path)), "-p", PROJECT, *args]
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        output = done.stdout + done.stderr
        if check and done.returncode != 0:
            raise RuntimeError(f"{shlex.join(argv)} exited {done.returncode}:\n{output}")
        return output

    def logs(self, service: str, tail: int = 200) -> str:
        return self.compose("logs", "--no-color", f"--tail={tail}", service)

    def log(self) -> str:
        """Every container's recent log lines (as LocalStack.log() gives the local stack's)."""
        return self.compose("logs", "--no-color", "--tail=3000")

    def containers(self, service: str) -> list[str]:
        return self.compose("ps", "-q", service).split()

    def restart(self, service: str, wait: bool = True) -> None:
        """`compose restart SERVICE` (every container of it), then wait until it serves again."""
        self.compose("restart", "-t", "20", service)
        if wait:
            self.wait_ready(service)

    def scale(self, service: str, count: int, wait: bool = True) -> None:
        """Run COUNT containers of SERVICE (an API or a worker: only the front publishes ports)."""
        self.compose("up", "-d", "--no-deps", "--no-recreate", "--scale", f"{service}={count}", service)
        if wait:
            self.wait_ready(service)

    def wait_ready(self, service: str | None = None, timeout: float = READY_TIMEOUT) -> None:
        """Bounded wait until SERVICE (or the whole stack) answers its readiness check."""
        services = [service] if service else [*INFRA, *APIS, *WORKERS]
        deadline = time.monotonic() + timeout
        for name in services:
            while not self._ready(name):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} not ready after {timeout:.0f}s\n"
                                       f"{self.compose('ps', check=False)}\n{self.logs(name, 60)}")
                time.sleep(0.5)

    def _ready(self, name: str) -> bool:
        if name in APIS:
            return self._answers(self.url(name) + "/readyz")
        probe = {"redis": ["sh", "-c", "redis-cli ping | grep -q PONG"],  # REDISCLI_AUTH is set in the container
                 "rabbitmq": ["rabbitmq-diagnostics", "-q", "check_port_connectivity"],
                 "front": ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8099"]}.get(name)
        if name in WORKERS:
            probe = ["bapas", "worker-health", WORKERS[name]]
        ids = self.containers(name)
        return bool(ids) and all(self._running(cid) for cid in ids) and self._exec_ok(name, probe)

    @staticmethod
    def _answers(url: str) -> bool:
        try:
            return requests.get(url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    @staticmethod
    def _running(container_id: str) -> bool:
        state = subprocess.run(["docker", "inspect", "-f", "{{.State.Running}}", container_id],
                               capture_output=True, text=True)
        return state.stdout.strip() == "true"

    def _exec_ok(self, service: str, probe: list[str]) -> bool:
        argv = [*self.command, *(f for path in self.files for f in ("-f", path)), "-p", PROJECT,
                "exec", "-T", service, *probe]
        try:
            return subprocess.run(argv, cwd=ROOT, capture_output=True, timeout=30).returncode == 0
        except subprocess.TimeoutExpired:
            return False


@pytest.fixture(scope="session")
def _compose_started_at(compose_settings) -> float:
    return time.monotonic()


@pytest.fixture(scope="session")
def compose_stack(_compose_started_at, docker_compose_command, docker_compose_file, compose_settings,
                  docker_services, pytestconfig) -> ComposeStack:
    stack = ComposeStack(docker_compose_command, docker_compose_file, compose_settings)
    stack.timings["build_and_up"] = time.monotonic() - _compose_started_at
    started = time.monotonic()
    stack.wait_ready()
    stack.timings["ready"] = time.monotonic() - started
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"compose stack {PROJECT} ({docker_compose_command}, "
                            f"{'Debian' if _debian() else 'registry'} images): build and up "
                            f"{stack.timings['build_and_up']:.1f}s, ready {stack.timings['ready']:.1f}s")
    return stack
