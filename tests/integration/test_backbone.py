"""The event backbone over both transports (kombu's Redis transport and RabbitMQ):
outbox atomicity, ordered relay, idempotent consumer, dead letters, broker outage."""
import json
import uuid

import pytest

from shared import redis_tx
from tests.support.backbone import TYPE, Bus, event_body
from tests.support.poll import eventually


@pytest.fixture
def bus(redis_url, broker_url):
    bus = Bus(redis_url, broker_url).reset()
    yield bus
    bus.shutdown()


def sid() -> str:
    return str(uuid.uuid4())


def test_a_change_and_its_event_commit_together_or_not_at_all(bus):
    subject = sid()

    def failing(pipe):
        pipe.multi()
        pipe.set(f"klien:thing:{subject}", "x")
        bus.outbox.stage(pipe, type=TYPE, subject=subject, sequence=1, data={"id": subject, "status": "a"},
                         correlation_id="c")
        raise ValueError("domain rule broken after staging")

    with pytest.raises(ValueError):
        redis_tx.transact(bus.redis, failing)
    assert bus.redis.get(f"klien:thing:{subject}") is None
    assert bus.redis.xlen("klien:outbox") == 0


def test_event_data_that_breaks_its_schema_is_refused_before_anything_is_written(bus):
    def bad(pipe):
        pipe.multi()
        pipe.set("klien:thing:x", "x")
        bus.outbox.stage(pipe, type=TYPE, subject="x", sequence=1, data={"id": "x", "status": "a", "nik": "1"},
                         correlation_id="c")

    with pytest.raises(ValueError, match="does not match its schema"):
        redis_tx.transact(bus.redis, bad)
    assert bus.redis.get("klien:thing:x") is None


def test_relay_delivers_every_event_once_in_effect_and_in_order(bus):
    bus.start()
    subjects = [sid() for _ in range(20)]
    for subject in subjects:
        bus.write(subject, "active")
    last = subjects[0]
    for sequence in range(2, 6):
        bus.write(last, f"status-{sequence}", sequence)

    eventually(lambda: len(bus.things()) == 20 and bus.things()[last] == "status-5@5", timeout=20)
    assert set(bus.applied_counts().values()) <= {1, 5}
    assert bus.applied_counts()[last] == 5
    # The position is stored once the outbox is quiet (shared/relay.py), within a second.
    eventually(lambda: bus.redis.get("klien:relay:position") == bus.redis.xrevrange("klien:outbox", count=1)[0][0],
               timeout=2)


def test_a_duplicate_delivery_changes_nothing(bus):
    bus.start(relay=False)
    subject, event_id = sid(), str(uuid.uuid4())
    body = event_body(subject, "active", 1, event_id)
    bus.publish_raw(body, message_id=event_id)
    bus.publish_raw(body, message_id=event_id)
    eventually(lambda: bus.stat("duplicates") == "1", timeout=15)
    assert bus.applied_counts() == {subject: 1}


def test_an_older_sequence_arriving_late_is_ignored(bus):
    bus.start(relay=False)
    subject = sid()
    bus.publish_raw(event_body(subject, "revoked", 2))
    bus.publish_raw(event_body(subject, "active", 1))
    eventually(lambda: bus.stat("stale") == "1", timeout=15)
    assert bus.things() == {subject: "revoked@2"}


def test_malformed_messages_go_to_the_dead_letter_queue_and_do_not_block_it(bus):
    bus.start(relay=False)
    good = sid()
    bus.publish_raw("this is not json")
    bus.publish_raw(json.dumps({"specversion": "1.0", "type": TYPE}))
    foreign = json.loads(event_body(sid(), "active", 1))
    foreign["region"], foreign["source"] = "otherreg", "/otherreg/klien"
    bus.publish_raw(json.dumps(foreign))
    bus.publish_raw(event_body(good, "active", 1))

    eventually(lambda: good in bus.things(), timeout=15)
    eventually(lambda: bus.stat("dead_lettered") == "3", timeout=15)
    bus.shutdown()
    reasons = [letter["reason"] for letter in bus.dead_letters()]
    assert len(reasons) == 3
    assert any("not JSON" in r for r in reasons)
    assert any("invalid CloudEvents envelope" in r for r in reasons)
    assert any("unexpected source" in r for r in reasons)


def test_a_handler_that_keeps_failing_is_dead_lettered_with_its_error_and_the_queue_moves_on(redis_url, broker_url):
    poison, after = sid(), sid()
    bus = Bus(redis_url, broker_url, fail_times={poison: 99}, max_attempts=3).reset().start(relay=False)
    try:
        bus.publish_raw(event_body(poison, "active", 1))
        bus.publish_raw(event_body(after, "active", 1))
        eventually(lambda: after in bus.things(), timeout=20)
        eventually(lambda: bus.stat("dead_lettered") == "1", timeout=20)
        bus.shutdown()
        letters = bus.dead_letters()
        assert len(letters) == 1 and "handler failed 3 times" in letters[0]["reason"]
        assert json.loads(letters[0]["body"])["subject"] == poison
        assert poison not in bus.things()
    finally:
        bus.shutdown()


def test_a_handler_that_fails_transiently_is_retried_and_applied_once(redis_url, broker_url):
    subject = sid()
    bus = Bus(redis_url, broker_url, fail_times={subject: 2}, max_attempts=5).reset().start(relay=False)
    try:
        bus.publish_raw(event_body(subject, "active", 1))
        eventually(lambda: subject in bus.things(), timeout=20)
        assert bus.applied_counts() == {subject: 1}
        assert bus.stat("dead_lettered") is None
    finally:
        bus.shutdown()


def test_a_message_taken_but_not_acked_is_redelivered_and_applied_once(bus):
    """A worker that dies after committing the effect but before acking: the broker redelivers,
    the inbox recognises the event, nothing is applied twice."""
    from shared import broker
    subject = sid()
    bus.publish_raw(event_body(subject, "active", 1))
    with broker.connect(bus.broker_url, visibility_timeout=1) as connection:
        queue = connection.SimpleQueue(broker.events_queue(bus.service, [TYPE]))
        message = queue.get(block=True, timeout=10)
        from shared.envelope import parse_event
        bus.applier.apply(parse_event(message.body))   # effect committed, never acked
    bus.start(relay=False)
    eventually(lambda: bus.stat("duplicates") == "1", timeout=30)
    assert bus.applied_counts() == {subject: 1}


def test_events_written_while_the_broker_is_down_are_published_when_it_is_back(bus):
    import threading
    subjects = [sid() for _ in range(5)]
    for subject in subjects:
        bus.write(subject, "active")
    down = threading.Event()
    unreachable = bus.relay("amqp://guest:guest@127.0.0.1:1//" if bus.broker_url.startswith("amqp")
                            else "redis://127.0.0.1:1/1")
    thread = threading.Thread(target=unreachable.run, args=(down,), daemon=True)
    thread.start()
    eventually(lambda: bus.redis.get("klien:relay:lock") is not None, timeout=5)
    down.wait(1.0)
    assert bus.redis.get("klien:relay:position") is None
    down.set()
    thread.join(timeout=10)
    bus.redis.delete("klien:relay:lock")
    bus.start()
    eventually(lambda: set(bus.things()) == set(subjects), timeout=20)
    assert set(bus.applied_counts().values()) == {1}


def test_events_published_before_any_consumer_ever_ran_wait_in_its_queue(bus):
    bus.delete_queues()
    subject = sid()
    bus.write(subject, "active")
    bus.start(consumer=False)
    eventually(lambda: bus.redis.get("klien:relay:position") is not None, timeout=10)
    bus.start(relay=False)
    eventually(lambda: subject in bus.things(), timeout=15)
