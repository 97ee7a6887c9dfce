"""Several HTTP workers per service, /metrics whole across them: `bapas serve klien` with 2 workers, N requests
on fresh connections (the kernel spreads them over the workers), then /metrics scraped several times (any worker
may answer each scrape): every scrape must count all N (prometheus-client's multiprocess mode)."""
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.support.local_stack import ROOT
from tests.support.ports import free_port

COUNTED = re.compile(r'^bapas_http_requests_total\{endpoint="/clients",method="GET",status="401"\} (\S+)$', re.MULTILINE)


def measure(redis_url: str, requests_sent: int = 400, scrapes: int = 8, workers: int = 2) -> dict:
    """Returns {"sent", "counted": [per scrape], "workers": processes that wrote metrics files (None: no files)}."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bapas-bench-metrics-") as directory:
        env = {**os.environ, "REDIS_URL": redis_url, "BROKER_URL": redis_url, "BAPAS_JWT_SECRET": "bench-secret",
               "KLIEN_PORT": str(port), "BAPAS_HTTP_WORKERS": str(workers), "BAPAS_DATA_DIR": directory,
               "PROMETHEUS_MULTIPROC_DIR": str(Path(directory) / "metrics")}
        server = subprocess.Popen([sys.executable, "-m", "shared.cli", "serve", "klien"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait(url, server)
            for _ in range(requests_sent):
                with requests.Session() as fresh:        # a new connection each: any worker may take it
                    if fresh.get(url + "/clients", timeout=10).status_code != 401:
                        raise RuntimeError("GET /clients without a token was not 401")
            counted = []
            for _ in range(scrapes):
                with requests.Session() as fresh:
                    found = COUNTED.search(fresh.get(url + "/metrics", timeout=10).text)
                    counted.append(float(found.group(1)) if found else 0.0)
            files = {path.name for path in (Path(directory) / "metrics").rglob("counter_*.db")}
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"sent": requests_sent, "counted": counted, "workers": len(files) or None}


def _wait(url: str, server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("`bapas serve klien` with 2 workers did not answer /healthz")
