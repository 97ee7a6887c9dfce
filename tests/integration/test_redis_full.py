"""A Redis at its maxmemory (policy noeviction) refuses writes: the service answers a clear 503
problem, changes nothing and keeps serving reads; nothing is evicted."""
import re

import pytest
import redis

from shared import auth
from tests.support.plumbing_app import make_app
from tests.support.redis_server import RedisServer


@pytest.fixture
def full_redis():
    server = RedisServer().start()
    yield server
    server.cleanup()


def bearer():
    return {"Authorization": "Bearer " + auth.issue_token("s", role="admin", sub="u-1", region="testreg")}


def test_the_embedded_redis_is_bounded_and_never_evicts(full_redis):
    config = redis.Redis.from_url(full_redis.url, decode_responses=True).config_get("maxmemory*")
    assert config["maxmemory-policy"] == "noeviction" and int(config["maxmemory"]) > 0


def test_metrics_show_how_full_redis_is(full_redis):
    text = make_app(full_redis.url).test_client().get("/metrics").get_data(as_text=True)
    ratio = re.search(r'^bapas_redis_memory_used_ratio{service="klien"} (\S+)$', text, re.MULTILINE)
    assert ratio and 0 < float(ratio.group(1)) < 0.1


def test_a_full_redis_answers_503_storage_full_and_changes_nothing(full_redis):
    store = redis.Redis.from_url(full_redis.url, decode_responses=True)
    http = make_app(full_redis.url).test_client()
    assert http.post("/things", json={"name": "a", "count": 1}, headers=bearer()).status_code == 201
    keys_before = sorted(store.keys("*"))
    store.config_set("maxmemory", "1")  # a tiny bound: every write is over it
    try:
        response = http.post("/things", json={"name": "b", "count": 2}, headers=bearer())
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["type"] == "urn:bapas:problem:storage-full"
        assert "maxmemory" in response.get_json()["detail"] and response.headers["Retry-After"]
        assert http.get("/things", headers=bearer()).status_code == 200
        assert http.get("/healthz").status_code == 200
    finally:
        store.config_set("maxmemory", "1gb")
    assert sorted(store.keys("*")) == keys_before
    assert http.post("/things", json={"name": "c", "count": 3}, headers=bearer()).status_code == 201
