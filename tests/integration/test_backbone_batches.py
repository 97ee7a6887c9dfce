"""The backbone moves batches, not messages: the relay publishes a batch in one pipeline reading the
exchange's bindings once (Redis transport), and the consumer commits a batch in few transactions;
everything still arrives exactly once in effect."""
import logging
import threading
import time
import uuid

import pytest
import redis

from shared import redis_tx
from tests.support.backbone import TYPE, Bus
from tests.support.poll import eventually


def calls(client, command: str) -> int:
    return int(client.info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0))


def stage(bus: Bus, count: int) -> list[str]:
    subjects = [str(uuid.uuid4()) for _ in range(count)]

    def work(pipe):
        pipe.multi()
        for subject in subjects:
            bus.outbox.stage(pipe, type=TYPE, subject=subject, sequence=1, data={"id": subject, "status": "active"},
                             correlation_id="c-1")
    redis_tx.transact(bus.redis, work)
    return subjects


def test_the_relay_reads_the_bindings_once_per_batch_on_the_redis_transport(redis_server, redis_url):
    broker_url = redis_server.db_url(1)
    redis.Redis.from_url(broker_url).flushdb()
    bus = Bus(redis_url, broker_url).reset()
    stage(bus, 100)
    relay = bus.relay()
    broker_redis = redis.Redis.from_url(broker_url)
    before = calls(broker_redis, "smembers")
    assert relay.step() == 100
    relay._drop_connection()
    assert calls(broker_redis, "smembers") - before <= 2
    assert broker_redis.llen(f"{bus.service}.events") == 100


def test_a_backlog_is_consumed_in_batches_each_event_once(redis_url, broker_url, caplog):
    caplog.set_level(logging.INFO, logger="shared.consumer")
    bus = Bus(redis_url, broker_url).reset()
    subjects = stage(bus, 300)
    relay = bus.relay()
    assert sum(relay.step() for _ in range(3)) == 300
    relay._drop_connection()
    # One MSET of the applied sequences per transaction (EXEC would count the Redis transport's own).
    before = calls(bus.redis, "mset")
    stop = threading.Event()
    thread = threading.Thread(target=bus.consumer().run, args=(stop,), daemon=True)
    thread.start()
    try:
        eventually(lambda: len(bus.things()) == 300, timeout=30)
    finally:
        stop.set()
        thread.join(timeout=15)
    assert bus.applied_counts() == {subject: 1 for subject in subjects}
    assert bus.stat("consumed") == "300"
    assert calls(bus.redis, "mset") - before < 100, "the events were committed one transaction each"
    lines = [record.getMessage() for record in caplog.records]
    assert not [line for line in lines if "reconnecting" in line], lines[:5]
    # Each event named in the log with its outcome and correlation id, in a line per batch.
    assert sum(line.count(" applied klien.client.registered ") for line in lines) == 300
    assert sum(line.count(" cid=c-1") for line in lines) == 300
    assert len([line for line in lines if " applied klien.client.registered " in line]) < 100


def test_the_relay_moves_its_position_renews_its_lease_and_counts_in_one_script(redis_url, broker_url):
    bus = Bus(redis_url, broker_url).reset()
    relay = bus.relay()
    stage(bus, 20)
    assert relay.step() == 20
    keys = relay.keys
    bus.redis.pexpire(keys.relay_lock, 1000)  # as if the lease were nearly over
    stage(bus, 5)
    scripts = calls(bus.redis, "evalsha") + calls(bus.redis, "eval")
    sets = calls(bus.redis, "set")
    assert relay.step() == 5
    assert relay.step() == 0  # the outbox is quiet: the position is stored now, not in the batch's path
    relay._drop_connection()
    # The lease was not renewed before the batch (renewed 5 s ago at most), but with its position.
    assert calls(bus.redis, "evalsha") + calls(bus.redis, "eval") - scripts == 1
    assert calls(bus.redis, "set") - sets == 1  # the position, inside that script
    assert bus.redis.pttl(keys.relay_lock) > 10_000
    assert bus.redis.get(keys.relay_position) == bus.redis.xrevrange(keys.outbox, count=1)[0][0]
    assert bus.redis.hget(keys.stats, "published") == "25"


def test_the_relay_stores_its_position_when_the_outbox_is_quiet_not_in_each_batchs_path(redis_url, broker_url):
    """The consumers commit the events just published at that moment: a write of the relay's then is
    one more fsync in their way (and one per batch under load)."""
    bus = Bus(redis_url, broker_url).reset()
    relay = bus.relay()
    keys = relay.keys
    stage(bus, 1)
    assert relay.step() == 1  # stored at once: nothing was for SAVE_EVERY_SECONDS
    stored = bus.redis.get(keys.relay_position)
    relay_scripts = 0  # the relay's scripts (staging the events runs one of its own)

    def step() -> int:
        nonlocal relay_scripts
        before = calls(bus.redis, "evalsha") + calls(bus.redis, "eval")
        published = relay.step()
        relay_scripts += calls(bus.redis, "evalsha") + calls(bus.redis, "eval") - before
        return published

    for _ in range(3):
        stage(bus, 2)
        assert step() == 2
    assert relay_scripts == 0  # no write per batch
    assert bus.redis.get(keys.relay_position) == stored
    assert step() == 0  # quiet (it waits until SAVE_AFTER_SECONDS have passed): stored now, in one write
    relay._drop_connection()
    assert relay_scripts == 1
    assert bus.redis.get(keys.relay_position) == bus.redis.xrevrange(keys.outbox, count=1)[0][0]
    assert bus.redis.hget(keys.stats, "published") == "7"


def test_a_stopping_relay_stores_the_position_it_holds(redis_url, broker_url):
    bus = Bus(redis_url, broker_url).reset()
    relay = bus.relay()
    stage(bus, 1)
    assert relay.step() == 1
    stage(bus, 3)
    assert relay.step() == 3  # within SAVE_AFTER_SECONDS of the first: not stored yet
    stop = threading.Event()
    stop.set()
    relay.run(stop)  # stops at once, storing what it published
    assert bus.redis.get(relay.keys.relay_position) == bus.redis.xrevrange(relay.keys.outbox, count=1)[0][0]


def test_an_idle_relay_holding_its_lease_only_waits_on_the_outbox(redis_url, broker_url):
    bus = Bus(redis_url, broker_url).reset()
    relay = bus.relay()
    stage(bus, 1)
    assert relay.step() == 1
    writes = {command: calls(bus.redis, command) for command in ("evalsha", "eval", "set", "get")}
    assert relay.step() == 0
    relay._drop_connection()
    assert {command: calls(bus.redis, command) for command in writes} == writes


def test_a_relay_that_lost_its_lease_does_not_move_the_position(redis_url, broker_url):
    bus = Bus(redis_url, broker_url).reset()
    relay = bus.relay()
    stage(bus, 2)
    assert relay.step() == 2
    keys = relay.keys
    position = bus.redis.get(keys.relay_position)
    bus.redis.set(keys.relay_lock, "another relay", px=15_000)  # ours ran out; another took it
    stage(bus, 3)
    assert relay.step() == 3  # published (at least once), but
    assert bus.redis.get(keys.relay_position) == position  # the position is the other relay's to move
    assert relay.step() == 0  # and it asks for the lease again: not ours
    relay._drop_connection()


def run_consumer(bus: Bus, *, linger: float) -> None:
    consumer = bus.consumer()
    consumer.linger = linger
    bus._spawn(consumer.run)
    bus._spawn(bus.relay().run)


def test_under_load_a_batch_waits_a_moment_for_company(redis_url, broker_url):
    """Events that come a few ms apart, each faster to apply alone than the gap: without the linger each
    would be a batch (a transaction) of its own; with it they are taken together, still each once."""
    bus = Bus(redis_url, broker_url).reset()
    run_consumer(bus, linger=0.05)
    try:
        bus.write("warm-up", "active")
        eventually(lambda: bus.things().get("warm-up"), timeout=30)
        before = calls(bus.redis, "mset")
        subjects = [str(uuid.uuid4()) for _ in range(100)]
        for subject in subjects:
            bus.write(subject, "active")
            time.sleep(0.005)
        eventually(lambda: len(bus.things()) == 101, timeout=30)
    finally:
        bus.shutdown()
    assert bus.applied_counts() == {subject: 1 for subject in ["warm-up", *subjects]}
    assert calls(bus.redis, "mset") - before < 40, "the events were not gathered into batches"


def test_a_lone_event_on_an_idle_consumer_is_applied_at_once(redis_url, broker_url):
    """The linger is for a busy consumer only: an event after a quiet moment does not wait for company."""
    bus = Bus(redis_url, broker_url).reset()
    run_consumer(bus, linger=2.0)
    try:
        bus.write("warm-up", "active")
        eventually(lambda: bus.things().get("warm-up"), timeout=30)
        for subject in ("first", "second"):
            time.sleep(0.3)  # quiet: far more than BUSY_SECONDS since the last batch
            written = time.monotonic()
            bus.write(subject, "active")
            eventually(lambda subject=subject: bus.things().get(subject), timeout=10, interval=0.005)
            assert time.monotonic() - written < 1.0, f"{subject} waited for company on an idle consumer"
    finally:
        bus.shutdown()
