"""One `bapas serve <service>` process for a test, on a free port, until the test ends."""
import contextlib
import os
import subprocess
import sys

import requests

from tests.support.poll import eventually
from tests.support.ports import free_port


def answers(url: str) -> bool:
    try:
        return requests.get(url + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


@contextlib.contextmanager
def serve(service: str, redis_url: str, data_dir, **env):
    """Yield (port, url, process) once /healthz answers; `env` adds to the environment (BAPAS_HTTP_SERVER...)."""
    port = free_port()
    environment = {**os.environ, "REDIS_URL": redis_url, "BROKER_URL": redis_url, "BAPAS_JWT_SECRET": "s",
                   f"{service.upper()}_PORT": str(port), "BAPAS_DATA_DIR": str(data_dir), **env}
    process = subprocess.Popen([sys.executable, "-m", "shared.cli", "serve", service], env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: answers(url), timeout=60, interval=0.2)
        yield port, url, process
    finally:
        process.terminate()
        process.wait(timeout=20)
