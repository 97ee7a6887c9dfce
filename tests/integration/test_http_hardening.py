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
