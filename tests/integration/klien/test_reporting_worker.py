"""The worker's missed marking against a real Redis: each due date is missed once and the flag raised
once, whatever the number of workers, across a crash and restart, and after a week of downtime."""
from collections import Counter
from datetime import timedelta
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared import clock
from tests.support.reporting import day, scheduled_client, staged, worker

MISSED, ATTENTION = "klien.reporting.missed", "klien.client.attention_required"


@pytest.fixture(autouse=True)
def real_clock():
    yield
    clock.reset()


def missed_per_due(redis) -> Counter:
    return Counter((e["data"]["client_id"], e["data"]["due_date"]) for e in staged(redis, MISSED))


def flags(redis) -> Counter:
    return Counter(e["data"]["client_id"] for e in staged(redis, ATTENTION))


def test_two_workers_mark_each_due_date_once_and_flag_each_client_once(officer, klien, redis_url):
    clients = [scheduled_client(officer) for _ in range(12)]
    clock.travel(days=1 + 14 + 3 + 1)                        # three due dates past their grace each
    workers = [worker(redis_url), worker(redis_url)]
    with ThreadPoolExecutor(2) as pool:
        marked = list(pool.map(lambda w: sum(w.mark_missed_due() for _ in range(3)), workers))
    assert sum(marked) == 3 * len(clients)
    assert set(missed_per_due(klien.redis).values()) == {1} and len(missed_per_due(klien.redis)) == 36
    assert flags(klien.redis) == Counter({c["id"]: 1 for c in clients})
    versions = [e["data"]["reporting_version"] for e in staged(klien.redis, MISSED, ATTENTION)
                if e["data"]["client_id"] == clients[0]["id"]]
    assert versions == [2, 3, 4, 5]                          # one version per change, in order


class Killed(Exception):
    pass


def test_a_worker_killed_mid_sweep_loses_and_repeats_nothing_after_restart(officer, klien, redis_url):
    clients = [scheduled_client(officer) for _ in range(6)]
    clock.travel(days=1 + 14 + 3 + 1)
    dying = worker(redis_url)
    stage, calls = dying.uow.outbox.stage, []

    def stage_then_die(pipe, **event):
        calls.append(event["type"])
        if len(calls) == 9:                                  # in the middle of the third client's transaction
            raise Killed()
        return stage(pipe, **event)

    dying.uow.outbox.stage = stage_then_die
    with pytest.raises(Killed):
        dying.mark_missed_due()
    assert len(missed_per_due(klien.redis)) == 2 * 3         # two clients done, the third not at all
    assert worker(redis_url).mark_missed_due() == 4 * 3      # the restarted worker does the rest
    assert set(missed_per_due(klien.redis).values()) == {1} and len(missed_per_due(klien.redis)) == 18
    assert flags(klien.redis) == Counter({c["id"]: 1 for c in clients})


def test_a_week_of_downtime_is_caught_up_in_date_order_without_double_counting(officer, klien, redis_url):
    start = clock.today()

    def t(n: int) -> str:
        return (start + timedelta(days=n)).isoformat()

    client = scheduled_client(officer, first_due_in=1)       # due t(1), t(8), t(15), t(22), ...
    kept = scheduled_client(officer, first_due_in=1)
    for offset in range(6):                                  # running daily: t(1) is missed on t(5), once
        clock.travel(days=offset)
        worker(redis_url).mark_missed_due()
    assert set(missed_per_due(klien.redis)) == {(client["id"], t(1)), (kept["id"], t(1))}
    early = officer.post(f"/clients/{kept['id']}/check-ins", {"date": t(5), "kind": "lapor_diri"})
    assert early.get_json()["kept_due"] == t(8)
    clock.travel(days=5 + 14)                                # the worker is down for two weeks
    assert worker(redis_url).mark_missed_due() == 2 + 1
    mine = [e["data"] for e in staged(klien.redis, MISSED) if e["data"]["client_id"] == client["id"]]
    assert [(d["due_date"], d["run"]) for d in mine] == [(t(1), 1), (t(8), 2), (t(15), 3)]
    assert flags(klien.redis) == Counter({client["id"]: 1})
    for offset in range(3):                                  # back to daily runs: nothing twice
        clock.travel(days=19 + offset)
        worker(redis_url).mark_missed_due()
    assert set(missed_per_due(klien.redis).values()) == {1} and len(missed_per_due(klien.redis)) == 5
    summary = officer.get(f"/clients/{kept['id']}").get_json()["reporting"]
    assert (summary["kept"], summary["missed"], summary["run"], summary["attention_required"]) == (1, 2, 1, False)


def test_an_ended_client_is_no_longer_marked_and_leaves_the_workers_index(officer, admin, klien, redis_url):
    client = scheduled_client(officer)
    admin.post(f"/clients/{client['id']}/status", {"status": "transferred", "reason": "pindah",
                                                   "effective_date": day(0)})
    clock.travel(days=30)
    assert worker(redis_url).mark_missed_due() == 0
    assert klien.redis.zcard("klien:reporting:look") == 0
