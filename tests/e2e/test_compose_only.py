"""What only the compose deployment shows: scaled workers, restarted containers, Redis
persistence across `docker-compose restart`. Skipped on the local-process stack."""
import time
import uuid

import pytest
import redis

from tests.support.poll import eventually


@pytest.fixture
def compose(stack):
    if not hasattr(stack, "scale"):
        pytest.skip("compose-only behaviour; run with --stack=compose")
    return stack


def new_client(admin) -> dict:
    return admin.klien.created("/clients", {
        "register_number": f"CMP-{uuid.uuid4().hex[:10]}", "name": "Klien Uji", "nik": f"{uuid.uuid4().int % 10**16:016d}",
        "birth_date": "1990-01-01", "sex": "P", "address": "Jl. Uji 1", "supervision_type": "ASIMILASI",
        "offence_category": "narkotika", "decree": {"number": "PAS-7/2026", "date": "2026-01-01"},
        "supervision_start": "2026-01-05", "supervision_end": "2027-01-05", "officer_id": "pk-compose",
        "bapas_office": "palembang"})


def consumed(store) -> int:
    return int(store.hget("bimbingan:stats", "consumed") or 0)


def settled(store):
    """Nothing left to publish in klien's outbox and the count has stopped moving."""
    first = consumed(store)
    time.sleep(1.0)
    backlog = store.xrange("klien:outbox", min="(" + (store.get("klien:relay:position") or "0-0"), count=1)
    return not backlog and consumed(store) == first


def test_three_bimbingan_workers_apply_each_client_event_exactly_once(compose, admin):
    store = redis.Redis.from_url(compose.redis_url, decode_responses=True)
    eventually(lambda: settled(store), timeout=60, interval=0.2)
    compose.scale("bimbingan-worker", 3)
    try:
        before = consumed(store)
        clients = [new_client(admin) for _ in range(30)]
        eventually(lambda: all(store.get(f"bimbingan:applied:{c['id']}") == "1" for c in clients), timeout=60)
        eventually(lambda: settled(store), timeout=60, interval=0.2)
        assert consumed(store) - before == 30
    finally:
        compose.scale("bimbingan-worker", 1)


def test_a_restarted_worker_container_loses_nothing(compose, admin):
    store = redis.Redis.from_url(compose.redis_url, decode_responses=True)
    first = [new_client(admin) for _ in range(10)]
    compose.restart("klien-worker")
    second = [new_client(admin) for _ in range(10)]
    eventually(lambda: all(store.get(f"bimbingan:applied:{c['id']}") == "1" for c in first + second), timeout=90)


def test_redis_data_survives_a_compose_restart(compose, admin):
    client = new_client(admin)
    compose.restart("redis")
    eventually(lambda: admin.klien.get(f"/clients/{client['id']}").status_code == 200, timeout=60)
    assert admin.klien.get(f"/clients/{client['id']}").json()["register_number"] == client["register_number"]
