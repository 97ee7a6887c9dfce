"""The front of the compose deployment (nginx): HTTPS with the configured certificate, requests
buffered whole before an API thread sees them (200 slow clients do not freeze /healthz), the
body limit, and balancing over scaled API replicas. The local stack has no front: skipped there."""
import json
import socket
import ssl
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.poll import eventually

SLOW_CONNECTIONS = 200


@pytest.fixture
def front(request):
    if request.config.getoption("--stack") != "compose":
        pytest.skip("the front is part of the compose deployment; run with --stack=compose")
    return request.getfixturevalue("stack")


def test_the_front_speaks_https_with_the_configured_certificate_only(front):
    assert requests.get(front.klien_url + "/healthz", timeout=5).status_code == 200  # verified against the run's CA
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(front.klien_url + "/healthz", timeout=5, verify=requests.certs.where())  # public CAs: unknown
    plain = requests.get(front.klien_url.replace("https://", "http://") + "/healthz", timeout=5)
    assert plain.status_code == 400  # plain HTTP on the HTTPS port is refused, nothing is served in clear


def open_slow_connection(url: str, context: ssl.SSLContext) -> ssl.SSLSocket:
    """TLS done, then a request line and half a header, never finished."""
    parts = urlsplit(url)
    raw = socket.create_connection((parts.hostname, parts.port), timeout=10)
    conn = context.wrap_socket(raw, server_hostname=parts.hostname)
    conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
    return conn


def closed_by_the_front(conn: ssl.SSLSocket) -> bool:
    conn.settimeout(5)
    try:
        while conn.recv(4096):  # a 408 answer, if any, then the end of the stream
            pass
        return True
    except (ssl.SSLError, OSError):
        return True
    except TimeoutError:
        return False


def test_two_hundred_slow_clients_do_not_freeze_the_apis(front):
    context = ssl.create_default_context(cafile=front.ca_bundle)
    connections = [open_slow_connection(front.klien_url, context) for _ in range(SLOW_CONNECTIONS)]
    stop = threading.Event()

    def drip():  # one more byte now and then, as a slowloris client does
        while not stop.wait(2):
            for conn in connections:
                try:
                    conn.sendall(b"a")
                except OSError:
                    pass
    dripping = threading.Thread(target=drip, daemon=True)
    dripping.start()
    opened = time.monotonic()
    try:
        for _ in range(5):
            for service in ("klien", "pokmas", "bimbingan"):
                assert requests.get(front.url(service) + "/healthz", timeout=2).status_code == 200
            time.sleep(1)
        # client_header_timeout (10 s): the front drops every unfinished request by itself.
        time.sleep(max(0.0, 16 - (time.monotonic() - opened)))
        assert all(closed_by_the_front(conn) for conn in connections)
    finally:
        stop.set()
        dripping.join(timeout=5)
        for conn in connections:
            conn.close()


def test_a_body_over_the_limit_is_413_problem_json_from_the_front(front, admin):
    response = admin.klien.post("/clients", data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                                headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 413


def test_a_request_line_over_the_front_s_buffer_is_414_problem_json(front, admin):
    """A list asked for with too many ids (bimbingan's id filter repeated) is refused by the front as the
    APIs refuse: problem+json, not nginx's HTML page."""
    ids = "&".join(f"id=00000000-0000-4000-8000-{n:012d}" for n in range(600))
    response = admin.bimbingan.get(f"/enrollments?{ids}")
    assert response.status_code == 414
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 414


def upstreams(front, marker: str) -> set[str]:
    """The replicas (address:port) that served the requests whose X-Request-ID starts with `marker`."""
    found = set()
    for raw in front.logs("front", tail=1000).splitlines():
        start = raw.find("{")
        if start >= 0 and marker in raw:
            found.add(json.loads(raw[start:])["upstream"])
    return found


def test_the_front_balances_over_scaled_api_replicas(front):
    marker = f"lb-{uuid.uuid4().hex[:12]}"
    front.scale("pokmas", 2)
    try:
        def both_replicas_answered():
            for i in range(10):
                response = requests.get(front.pokmas_url + "/healthz", timeout=5,
                                        headers={"X-Request-ID": f"{marker}-{i}"})
                assert response.status_code == 200
            return len(upstreams(front, marker)) >= 2
        assert eventually(both_replicas_answered, timeout=60, interval=2)
    finally:
        front.scale("pokmas", 1)
