"""`bapas serve` with several worker processes (granian's or gunicorn's): /metrics counts every
worker's requests, whichever worker answers the scrape (prometheus-client's multiprocess mode,
shared/metrics.py)."""
import re

import pytest
import requests

from shared.config import HTTP_SERVERS
from tests.support.served import serve


@pytest.fixture(params=HTTP_SERVERS)
def served(request, redis_url, tmp_path):
    with serve("klien", redis_url, tmp_path, BAPAS_HTTP_SERVER=request.param, BAPAS_HTTP_WORKERS="2",
               BAPAS_HTTP_THREADS="2", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics")) as (_, url, _):
        yield url, tmp_path / "metrics"


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
