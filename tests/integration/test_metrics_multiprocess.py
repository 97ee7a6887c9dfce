"""`bapas serve` with several gunicorn workers: /metrics counts every worker's requests, whichever
worker answers the scrape (prometheus-client's multiprocess mode, shared/metrics.py)."""
import os
import re
import subprocess
import sys

import pytest
import requests

from tests.support.poll import eventually
from tests.support.ports import free_port

def answers(url: str) -> bool:
    try:
        return requests.get(url + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def served(redis_url, tmp_path):
    port = free_port()
    env = {**os.environ, "REDIS_URL": redis_url, "BROKER_URL": redis_url, "BAPAS_JWT_SECRET": "s",
           "KLIEN_PORT": str(port), "BAPAS_HTTP_WORKERS": "2", "BAPAS_HTTP_THREADS": "2",
           "BAPAS_DATA_DIR": str(tmp_path), "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    process = subprocess.Popen([sys.executable, "-m", "shared.cli", "serve", "klien"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    eventually(lambda: answers(url), timeout=60, interval=0.2)
    yield url, tmp_path / "metrics"
    process.terminate()
    process.wait(timeout=20)


def unauthorized_count(text: str) -> float:
    found = re.search(r'^bapas_http_requests_total\{endpoint="/clients",method="GET",status="401"\} (\S+)$', text,
                      re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_every_workers_requests_are_counted_on_metrics(served):
    url, directory = served
    sent = 0
    # New connections until both workers have answered some (which worker accepts is the kernel's choice).
    while sent < 400 and len(list(directory.glob("bapas-metrics-klien-*/counter_*.db"))) < 2 or sent < 20:
        with requests.Session() as fresh:
            assert fresh.get(url + "/clients", timeout=5).status_code == 401
        sent += 1
    assert len(list(directory.glob("bapas-metrics-klien-*/counter_*.db"))) == 2
    for _ in range(4):  # whichever worker answers the scrape
        with requests.Session() as fresh:
            assert unauthorized_count(fresh.get(url + "/metrics", timeout=5).text) == sent
