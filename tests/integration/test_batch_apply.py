"""The consumer's batch (shared/inbox.py apply_batch): many events in one MULTI/EXEC, each applied
as if it ran alone, exactly once in effect, in order per aggregate."""
import uuid

import pytest
import redis

from shared import envelope, redis_tx
from shared.inbox import APPLIED, DUPLICATE, INBOX_TTL_SECONDS, STALE, Applier, EventFailed
from tests.support.client import REGION

TYPE = "klien.client.registered"


def event(subject: str, sequence: int, status: str = "active") -> dict:
    return envelope.build_event(region=REGION, service="klien", type=TYPE, subject=subject, sequence=sequence,
                                data={"id": subject, "status": status}, correlation_id="c-1")


def keep_latest(pipe, event):
    """A view entry per subject (as every view keeps) and a count of applications."""
    pipe.multi()
    pipe.hset("things", event["subject"], f"{event['data']['status']}@{event['sequence']}")
    pipe.hincrby("applied_count", event["subject"], 1)


def count_all(pipe, event):
    """Reads what every earlier event wrote: the batch must see the earlier events' writes."""
    pipe.watch("total")
    total = int(pipe.get("total") or 0)
    pipe.multi()
    pipe.set("total", total + 1)
    pipe.rpush("order", f"{event['subject']}@{event['sequence']}")


@pytest.fixture
def client(redis_url):
    return redis_tx.connect(redis_url)


def calls(client, command: str) -> int:
    return int(client.info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0))


def execs(client) -> int:
    return calls(client, "exec")


def test_a_batch_of_independent_events_commits_in_one_transaction(client):
    applier = Applier(client, service="svc", handlers={TYPE: keep_latest})
    events = [event(str(uuid.uuid4()), 1) for _ in range(50)]
    before = execs(client)
    assert applier.apply_batch(events) == [APPLIED] * 50
    assert execs(client) - before == 1
    assert len(client.hgetall("things")) == 50
    assert client.hget("svc:stats", "consumed") == "50"


def test_duplicates_in_a_batch_and_across_redeliveries_are_applied_once(client):
    applier = Applier(client, service="svc", handlers={TYPE: keep_latest})
    first, second = event("a", 1), event("b", 1)
    assert applier.apply_batch([first, first, second]) == [APPLIED, DUPLICATE, APPLIED]
    assert applier.apply_batch([second, first]) == [DUPLICATE, DUPLICATE]
    assert applier.apply(first) == DUPLICATE
    assert client.hgetall("applied_count") == {"a": "1", "b": "1"}
    assert client.exists(f"svc:inbox:{first['id']}")


def test_per_aggregate_the_highest_sequence_wins_in_any_delivery_order(client):
    applier = Applier(client, service="svc", handlers={TYPE: keep_latest})
    assert applier.apply_batch([event("a", 2, "revoked"), event("a", 1, "active"), event("b", 1)]) == \
        [APPLIED, STALE, APPLIED]
    assert applier.apply_batch([event("c", 1, "active"), event("c", 2, "completed")]) == [APPLIED, APPLIED]
    assert client.hgetall("things") == {"a": "revoked@2", "b": "active@1", "c": "completed@2"}
    assert applier.apply_batch([event("a", 1)]) == [STALE]
    assert client.hget("svc:stats", "stale") == "2"


def test_an_event_that_reads_what_an_earlier_one_wrote_sees_it(client):
    applier = Applier(client, service="svc", handlers={TYPE: count_all})
    events = [event(f"s{n}", 1) for n in range(5)]
    assert applier.apply_batch(events) == [APPLIED] * 5
    assert client.get("total") == "5"
    assert client.lrange("order", 0, -1) == [f"s{n}@1" for n in range(5)]


def failing_on_b(handler):
    def handle(pipe, event):
        if event["subject"] == "b":
            raise RuntimeError("handler failure for the test")
        handler(pipe, event)
    return handle


def test_a_handler_that_fails_names_its_event_and_leaves_nothing_of_its_transaction(client):
    applier = Applier(client, service="svc", handlers={TYPE: failing_on_b(keep_latest)})
    batch = [event("a", 1), event("b", 1), event("c", 1)]
    with pytest.raises(EventFailed) as failed:
        applier.apply_batch(batch)
    assert failed.value.index == 1 and failed.value.outcomes == []
    assert isinstance(failed.value.error, RuntimeError)
    assert client.hgetall("things") == {}
    assert not client.exists(f"svc:inbox:{batch[0]['id']}")


def test_a_failure_after_a_committed_head_reports_what_was_committed(client):
    applier = Applier(client, service="svc", handlers={TYPE: failing_on_b(count_all)})
    # "a" and "z" both read "total": "z" starts a second transaction, in which "b" fails.
    batch = [event("a", 1), event("z", 1), event("b", 1)]
    with pytest.raises(EventFailed) as failed:
        applier.apply_batch(batch)
    assert failed.value.index == 2 and failed.value.outcomes == [APPLIED]
    assert client.get("total") == "1"


def test_a_catch_up_page_applies_only_what_its_inbox_marks_lack_without_the_others_planned_reads(client):
    reads = []
    applier = Applier(client, service="svc", handlers={TYPE: planned(keep_latest, lambda e: reads.append(e["subject"])
                                                                     or [("GET", f"n:{e['subject']}")])})
    delivered = [event(f"d{n}", 1) for n in range(5)]
    assert applier.apply_batch(delivered) == [APPLIED] * 5  # by the broker
    page = delivered[:2] + [event("new", 1)] + delivered[2:]
    reads.clear()
    before = execs(client)
    fresh = applier.unmarked(page)
    assert [e["subject"] for e in fresh] == ["new"]
    assert applier.apply_batch(fresh) == [APPLIED]
    assert reads == ["new"] and execs(client) - before == 1
    assert client.hget("applied_count", "new") == "1" and client.hget("applied_count", "d0") == "1"
    assert applier.unmarked(page) == []  # read again: nothing left to apply, no transaction at all
    assert execs(client) - before == 1 and client.hget("svc:stats", "consumed") == "6"


def test_an_item_the_broker_applied_meanwhile_is_a_duplicate_in_the_page_s_transaction(client):
    applier = Applier(client, service="svc", handlers={TYPE: count_all})
    page = [event("a", 1), event("b", 1)]
    fresh = applier.unmarked(page)          # neither is marked yet
    applier.apply_batch([page[1]])          # the broker applies "b" before the page's transaction
    assert applier.apply_batch(fresh) == [APPLIED, DUPLICATE]
    assert client.get("total") == "2"


def test_an_item_without_a_string_id_is_kept_for_the_envelope_check_to_refuse(client):
    applier = Applier(client, service="svc", handlers={TYPE: count_all})
    page = [{"type": TYPE}, {"id": 7}, "not an object"]
    assert applier.unmarked(page) == page


def test_a_key_a_handler_read_that_changes_before_the_commit_makes_the_batch_start_again(client, redis_url):
    other = redis_tx.connect(redis_url)
    runs = []

    def count_while_another_writes(pipe, event):
        pipe.watch("total")
        total = int(pipe.get("total") or 0)
        if not runs:
            other.set("total", 100)  # another writer, between this read and the batch's EXEC
        runs.append(event["subject"])
        pipe.multi()
        pipe.set("total", total + 1)

    applier = Applier(client, service="svc", handlers={TYPE: count_while_another_writes})
    assert applier.apply_batch([event("a", 1), event(str(uuid.uuid4()), 1)]) == [APPLIED, APPLIED]
    assert client.get("total") == "102"
    assert runs[0] == "a" and runs.count("a") == 2


def planned(handler, reads):
    handler.reads = reads
    return handler


def test_planned_reads_go_in_the_batch_s_first_round_trip_and_answer_the_handlers(client):
    def add_one(pipe, event):
        pipe.watch(f"n:{event['subject']}")
        value = int(pipe.get(f"n:{event['subject']}") or 0)
        pipe.multi()
        pipe.set(f"n:{event['subject']}", value + 1)

    subjects = [f"p{n}" for n in range(20)]
    client.mset({f"n:{subject}": 10 for subject in subjects})
    applier = Applier(client, service="svc", handlers={TYPE: planned(add_one, lambda e: [("GET", f"n:{e['subject']}")])})
    watches, gets = calls(client, "watch"), calls(client, "get")
    assert applier.apply_batch([event(subject, 1) for subject in subjects]) == [APPLIED] * 20
    # One WATCH for the inbox marks, applied sequences and planned keys, in the round trip that reads
    # them; unplanned, each handler's WATCH would have gone with its own read.
    assert calls(client, "watch") - watches == 1
    assert calls(client, "get") - gets == 20  # each key read once
    assert client.mget([f"n:{subject}" for subject in subjects]) == ["11"] * 20


def test_a_read_every_event_of_a_batch_plans_is_sent_once_and_each_handler_gets_its_own_answer(client):
    """pokmas: the events of one batch read their programs' agreement, most often the same one."""
    seen = []

    def read_shared(pipe, event):
        pipe.watch("shared")
        answer = pipe.hgetall("shared")
        seen.append(dict(answer))
        answer["changed by"] = event["subject"]  # what one handler does to its answer, the next does not see
        pipe.multi()
        pipe.hset("things", event["subject"], answer["programs"])

    client.hset("shared", "programs", "20")
    applier = Applier(client, service="svc", handlers={TYPE: planned(read_shared, lambda e: [("HGETALL", "shared")])})
    reads, watches = calls(client, "hgetall"), calls(client, "watch")
    assert applier.apply_batch([event(f"s{n}", 1) for n in range(5)]) == [APPLIED] * 5
    assert calls(client, "hgetall") - reads == 1 and calls(client, "watch") - watches == 1
    assert seen == [{"programs": "20"}] * 5


def test_a_lone_event_costs_one_mget_and_a_set_for_its_inbox_mark(client):
    applier = Applier(client, service="svc", handlers={TYPE: keep_latest})
    lone = event("lone", 1)
    before = {command: calls(client, command) for command in ("mget", "eval", "set", "exec")}
    assert applier.apply_batch([lone]) == [APPLIED]
    assert {command: calls(client, command) - count for command, count in before.items()} == {
        "mget": 1, "eval": 0, "set": 1, "exec": 1}
    assert 0 < client.ttl(applier.keys.inbox(lone["id"])) <= INBOX_TTL_SECONDS
    assert applier.apply_batch([lone]) == [DUPLICATE]


def test_a_planned_read_of_a_key_an_earlier_event_writes_still_sees_the_write(client):
    applier = Applier(client, service="svc", handlers={TYPE: planned(count_all, lambda e: [("GET", "total")])})
    assert applier.apply_batch([event(f"s{n}", 1) for n in range(5)]) == [APPLIED] * 5
    assert client.get("total") == "5"


def test_a_planned_key_that_changes_before_the_commit_makes_the_batch_start_again(client, redis_url):
    other = redis_tx.connect(redis_url)
    runs = []

    def count_while_another_writes(pipe, event):
        total = int(pipe.get("total") or 0)
        if not runs:
            other.set("total", 100)  # another writer, after the planned read, before the batch's EXEC
        runs.append(event["subject"])
        pipe.multi()
        pipe.set("total", total + 1)

    applier = Applier(client, service="svc",
                      handlers={TYPE: planned(count_while_another_writes, lambda e: [("GET", "total")])})
    assert applier.apply_batch([event("a", 1)]) == [APPLIED]
    assert client.get("total") == "101"
    assert runs == ["a", "a"]


def test_a_plan_that_fails_plans_nothing_and_the_handler_decides(client):
    def plan(e):
        raise KeyError("no such field")

    applier = Applier(client, service="svc", handlers={TYPE: planned(keep_latest, plan)})
    assert applier.apply_batch([event("a", 1), event("b", 1)]) == [APPLIED, APPLIED]
    assert client.hgetall("things") == {"a": "active@1", "b": "active@1"}


def test_a_planned_read_that_redis_refuses_is_the_handler_s_to_meet(client):
    client.set("a-string", "x")

    def read_hash(pipe, event):
        pipe.hgetall("a-string")

    applier = Applier(client, service="svc", handlers={TYPE: planned(read_hash, lambda e: [("HGETALL", "a-string")])})
    with pytest.raises(EventFailed) as failed:
        applier.apply_batch([event("a", 1)])
    assert "WRONGTYPE" in str(failed.value.error)


def test_an_exec_whose_answer_is_lost_is_found_by_its_inbox_marks_and_not_applied_again(client, monkeypatch):
    real = redis.connection.AbstractConnection.read_response
    lost, previous = [], []

    def answer_lost(self, *args, **kwargs):
        reply = real(self, *args, **kwargs)
        if not lost and isinstance(reply, list) and previous[-1:] == ["QUEUED"]:  # EXEC's reply: read, then lost
            lost.append(True)
            raise redis.ConnectionError("the reply to EXEC was lost (for the test)")
        previous.append(reply)
        return reply

    monkeypatch.setattr(redis.connection.AbstractConnection, "read_response", answer_lost)
    applier = Applier(client, service="svc", handlers={TYPE: keep_latest})
    assert applier.apply_batch([event("a", 1), event("b", 1)]) == [DUPLICATE, DUPLICATE]  # committed by the first
    assert lost and client.hgetall("applied_count") == {"a": "1", "b": "1"}
    assert client.hget("svc:stats", "consumed") == "2"
