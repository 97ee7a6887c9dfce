"""The stack as deployed (APIs under `bapas serve`'s HTTP server, workers, RabbitMQ broker) and the floor
beside it, which stays on gunicorn (issue 21: the floor is the bare-gunicorn app) whatever serves the APIs."""
import contextlib
import os
import subprocess
import sys
import time

import requests

from shared.config import load_settings
from tests.support import rabbitmq
from tests.support.client import ServiceClient, token
from tests.support.local_stack import ROOT, LocalStack
from tests.support.ports import free_port

# The bench writes some 100,000 clients and 70,000 enrollments on a fast machine (each section makes its own,
# scaled to the rate reached): past `make run`'s 1 GB default the embedded Redis refuses writes (503, and
# consumers retrying), which would measure the bound, not the path. BAPAS_EMBEDDED_REDIS_MAXMEMORY set by
# the caller wins.
BENCH_REDIS_MAXMEMORY = "6gb"


@contextlib.contextmanager
def deployed():
    """Yield (stack, floor_url, broker) with the stack on RabbitMQ when it is there, else Redis transport."""
    with contextlib.ExitStack() as cleanup:
        broker, room = "RabbitMQ", {"BAPAS_EMBEDDED_REDIS_MAXMEMORY": redis_room()}
        if rabbitmq.available() is None:
            vhost = rabbitmq.Vhost().create()
            cleanup.callback(vhost.delete)
            stack = LocalStack(broker_url=vhost.url, extra_env=room)
        else:
            broker = "Redis transport (RabbitMQ unavailable: " + rabbitmq.available() + ")"
            stack = LocalStack(extra_env=room)
        cleanup.callback(stack.cleanup)
        stack.start()
        floor_url = cleanup.enter_context(floor(stack.redis_url.rsplit("/", 1)[0] + "/2", stack.data_dir))
        yield stack, floor_url, broker


def redis_room() -> str:
    """The embedded Redis's bound for the bench's stack."""
    return os.environ.get("BAPAS_EMBEDDED_REDIS_MAXMEMORY", BENCH_REDIS_MAXMEMORY)


@contextlib.contextmanager
def floor(redis_url: str, data_dir):
    """The floor app under gunicorn with the services' worker class, workers and threads."""
    settings = load_settings()
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "--worker-class", "shared.gunicorn_worker.ProblemThreadWorker",
            "--workers", str(settings.http_workers), "--threads", str(settings.http_threads),
            "--bind", f"127.0.0.1:{port}", "--keep-alive", "5", "--access-logfile", "/dev/null",
            "bench.floor_app:create_app()"]
    log = open(data_dir / "floor.log", "ab")
    process = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, "REDIS_URL": redis_url}, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_listening(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def _wait_listening(url: str, process, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            requests.get(url + "/", timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("the floor app did not start")


def admin_token(stack) -> str:
    return token("admin", "bench", secret=stack.jwt_secret, region=stack.region)


def clients(stack):
    """Admin ServiceClients for klien, pokmas, bimbingan."""
    secret = admin_token(stack)
    return (ServiceClient(stack.klien_url, secret), ServiceClient(stack.pokmas_url, secret),
            ServiceClient(stack.bimbingan_url, secret))
