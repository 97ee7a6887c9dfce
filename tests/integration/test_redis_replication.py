"""A write is acknowledged once a replica has it (WAIT), on a real primary and replica; and the
clients find the primary through a real Sentinel, also after it fails over."""
import logging
import time
import uuid

import pytest

from shared import auth, redis_tx
from shared.config import Settings
from shared.inbox import Applier
from shared.replication import NotReplicated
from tests.support.backbone import TYPE
from tests.support.plumbing_app import make_app
from tests.support.redis_replicas import MASTER, ReplicatedRedis


@pytest.fixture
def replicas():
    nodes = ReplicatedRedis()
    nodes.wait_in_sync()
    yield nodes
    nodes.cleanup()


def post_thing(http):
    token = auth.issue_token("s", role="admin", sub="u-1", region="testreg")
    return http.post("/things", json={"name": "a", "count": 1}, headers={"Authorization": f"Bearer {token}"})


def test_a_write_is_acknowledged_once_the_replica_has_it(replicas):
    http = make_app(replicas.primary.url, redis_min_replicas=1, redis_wait_timeout_ms=5000).test_client()
    response = post_thing(http)
    assert response.status_code == 201, response.get_data(as_text=True)
    # Read at once, without waiting: the 201 came after the replica confirmed.
    assert replicas.replica.client().xlen("klien:outbox") == 1


def test_without_its_replica_a_write_answers_503_saying_it_may_exist(replicas):
    http = make_app(replicas.primary.url, redis_min_replicas=1, redis_wait_timeout_ms=300).test_client()
    replicas.replica.stop()
    started = time.monotonic()
    response = post_thing(http)
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"].endswith("not-replicated")
    assert "may exist" in problem["detail"] and "Idempotency-Key" in problem["detail"]
    assert response.headers["Retry-After"]
    assert time.monotonic() - started < 5
    assert replicas.primary.client().xlen("klien:outbox") == 1  # committed on the primary, as the 503 says


def test_with_waiting_off_the_same_write_is_a_201_without_a_replica(replicas):
    replicas.replica.stop()
    response = post_thing(make_app(replicas.primary.url).test_client())
    assert response.status_code == 201


def applier(url: str, **settings) -> Applier:
    client = redis_tx.connect(url, Settings(redis_url=url, **settings))
    return Applier(client, service="klien", handlers={TYPE: lambda pipe, event: pipe.multi()})


def event(sequence: int = 1) -> dict:
    return {"id": str(uuid.uuid4()), "type": TYPE, "subject": "t-1", "sequence": sequence}


def test_a_consumed_event_is_not_acked_until_a_replica_has_its_effect(replicas):
    consumer_side = applier(replicas.primary.url, redis_min_replicas=1, redis_wait_timeout_ms=300)
    assert consumer_side.apply(event(1)) == "applied"
    replicas.replica.stop()
    late = event(2)
    with pytest.raises(NotReplicated):
        consumer_side.apply(late)
    # Delivered again (the consumer puts it back): a duplicate now, and still not confirmed.
    with pytest.raises(NotReplicated):
        consumer_side.apply(late)
    replicas.replica.start()
    replicas.wait_in_sync()
    assert consumer_side.apply(late) == "duplicate"


def wait_for(condition, timeout: float = 30, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not within {timeout}s: {condition}")


def test_clients_follow_the_primary_sentinel_names_also_after_a_failover(replicas, caplog):
    replicas.with_sentinel()
    sentinel = replicas.sentinel.client()
    settings = Settings(redis_sentinels=f"127.0.0.1:{replicas.sentinel.port}", redis_sentinel_master=MASTER)
    client = redis_tx.connect("redis://ignored/0", settings)
    client.set("before", "1")
    assert replicas.primary.client().get("before") == "1"

    def failover():
        try:  # NOGOODSLAVE until Sentinel has heard from the replica
            return sentinel.execute_command("SENTINEL", "FAILOVER", MASTER)
        except Exception:
            return False
    wait_for(failover)
    wait_for(lambda: int(sentinel.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)[1])
             == replicas.replica.port)
    # Until Sentinel demotes it, the old primary still takes writes on connections already open:
    # BAPAS_REDIS_MIN_REPLICAS is what refuses to acknowledge those (it has no replica left).
    wait_for(lambda: replicas.primary.client().info("replication")["role"] == "slave")

    def write_after():
        try:
            return client.set("after", "2")
        except Exception:  # the demoted node's connections fail once, then the new primary answers
            return False
    with caplog.at_level(logging.WARNING, logger="shared.sentinel"):
        wait_for(write_after)
    assert replicas.replica.client().get("after") == "2"
    assert "redis primary changed" in caplog.text
