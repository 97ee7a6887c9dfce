"""What a hostile client must not achieve through the shared HTTP layer (issue 14): unbounded
metrics, a forged audit address, a 5xx from odd input, personal data left in caches."""
import re

import pytest

from shared import auth
from tests.support.plumbing_app import make_app


@pytest.fixture
def app(redis_url):
    return make_app(redis_url)


@pytest.fixture
def http(app):
    return app.test_client()


def bearer(role="admin"):
    return {"Authorization": "Bearer " + auth.issue_token("s", role=role, sub="u-1", region="testreg")}


def series(text: str) -> set[str]:
    return {line.split(" ")[0] for line in text.splitlines() if line.startswith("bapas_http_requests_total{")}


def test_metrics_label_only_known_methods_and_routes(http):
    for n in range(40):
        http.open("/things", method=f"X{n}FOO", headers=bearer())
        http.get(f"/random-{n}", headers=bearer())
    http.get("/things", headers=bearer())
    labels = series(http.get("/metrics").get_data(as_text=True))
    methods = {re.search(r'method="([^"]*)"', s).group(1) for s in labels}
    endpoints = {re.search(r'endpoint="([^"]*)"', s).group(1) for s in labels}
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}
    assert "other" in methods
    assert endpoints == {"/things", "other"}


def test_answers_behind_a_token_are_never_cached(http):
    for response in (http.get("/things", headers=bearer()), http.get("/clients-nope", headers=bearer()),
                     http.post("/things", json={"name": "a", "count": 1}, headers=bearer()),
                     http.get("/audit", headers=bearer()), http.get("/events", headers=bearer()),
                     http.get("/things")):
        assert response.headers.get("Cache-Control") == "no-store", response.status_code
    assert "no-store" not in http.get("/docs/assets/swagger-ui.css").headers.get("Cache-Control", "")


def audited_addresses(http) -> list:
    return [entry["remote_addr"] for entry in http.get("/audit", headers=bearer()).get_json()["items"]]


def write_from(http, peer: str, forwarded: str | None = None):
    headers = {**bearer(), **({"X-Forwarded-For": forwarded} if forwarded is not None else {})}
    response = http.post("/things", json={"name": "a", "count": 1}, headers=headers,
                         environ_base={"REMOTE_ADDR": peer})
    assert response.status_code == 201, response.get_data(as_text=True)


def test_the_audit_keeps_the_peer_address_when_no_proxy_is_trusted(http):
    write_from(http, "203.0.113.9", forwarded="1.2.3.4")
    write_from(http, "203.0.113.9", forwarded="<script>, 999.1.1.1")
    assert audited_addresses(http) == ["203.0.113.9", "203.0.113.9"]


def test_the_audit_takes_the_forwarded_address_only_from_a_trusted_proxy(redis_url):
    http = make_app(redis_url, trusted_proxies="10.0.0.0/8, 192.0.2.7").test_client()
    write_from(http, "10.1.2.3", forwarded="198.51.100.4")             # through the front
    write_from(http, "192.0.2.7", forwarded="1.1.1.1, 198.51.100.5, 10.9.9.9")  # front behind a balancer
    write_from(http, "203.0.113.9", forwarded="198.51.100.6")          # straight to the service: forged
    write_from(http, "10.1.2.3", forwarded="not-an-address")            # the front passed garbage on
    write_from(http, "10.1.2.3")                                         # no header
    assert audited_addresses(http) == ["198.51.100.4", "198.51.100.5", "203.0.113.9", "10.1.2.3", "10.1.2.3"]
