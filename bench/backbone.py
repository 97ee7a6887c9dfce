"""The relay and the consumer against raw kombu publishing and consuming the same messages on the
same broker: the outbox relay's publish rate vs `Producer.publish` in a loop (same options, same
confirms), and the consumer's apply rate vs a bare kombu consumer that only acks."""
import threading
import time
import uuid

from kombu import Producer

from shared import broker
from shared.redis_tx import transact
from shared.stats import Stats
from tests.support.backbone import TYPE, Bus


def measure(redis_url: str, broker_url: str, transport: str, count: int, targets=None) -> list[dict]:
    bus = Bus(redis_url, broker_url).reset()
    bus.redis.flushdb()
    bodies = _stage(bus, count)
    raw_publish = _timed(lambda: _raw_publish(broker_url, bodies))
    raw_consume = _timed(lambda: _raw_consume(broker_url, bus.service, count))
    relay = _timed(lambda: _relay(bus, count))
    consumer = _consume(bus, count)
    bus.shutdown()
    if targets is not None:
        targets.backbone(transport, count / relay, count / raw_publish, count / consumer, count / raw_consume)
    return [_row(transport, "publish", "Relay (outbox -> broker)", relay, "kombu Producer.publish loop",
                 raw_publish, count),
            _row(transport, "consume", "EventConsumer (apply + inbox + ack)", consumer, "kombu Consumer, ack only",
                 raw_consume, count)]


def _stage(bus: Bus, count: int) -> list[tuple[str, str, str]]:
    for start in range(0, count, 500):
        def work(pipe, start=start):
            pipe.multi()
            for n in range(start, min(start + 500, count)):
                subject = str(uuid.uuid4())
                bus.outbox.stage(pipe, type=TYPE, subject=subject, sequence=1,
                                 data={"id": subject, "status": "active"}, correlation_id=f"bench-{n}")
        transact(bus.redis, work)
    return [(f["event"], f["id"], f["correlationid"]) for _, f in bus.redis.xrange(bus.outbox.keys.outbox)]


def _raw_publish(broker_url: str, bodies) -> None:
    with broker.connect(broker_url) as connection:
        producer = Producer(connection.channel())
        for body, event_id, correlation_id in bodies:
            producer.publish(body, exchange=broker.events_exchange, routing_key=TYPE, retry=False,
                             **broker.publish_options(event_id, correlation_id))


def _raw_consume(broker_url: str, service: str, count: int) -> None:
    seen = []
    queue = broker.events_queue(service, [TYPE])  # the queue the bus declared (its service name is unique)

    def on_message(message):
        message.ack()
        seen.append(1)

    with broker.connect(broker_url) as connection:
        with connection.Consumer([queue], on_message=on_message, prefetch_count=20):
            while len(seen) < count:
                connection.drain_events(timeout=10)


def _relay(bus: Bus, count: int) -> None:
    relay = bus.relay()
    published = 0
    while published < count:
        published += relay.step()
    relay._drop_connection()


def _consume(bus: Bus, count: int) -> float:
    """Seconds from the consumer's start until it has committed `count` events; its stopping (up to
    a second for drain_events to return) is not counted, as raw kombu's loop ends with its last ack."""
    start = time.perf_counter()
    stop = threading.Event()
    consumer = bus.consumer()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    stats = Stats(bus.redis, bus.service)
    while stats.read()["consumed"] < count:
        time.sleep(0.01)
    elapsed = time.perf_counter() - start
    stop.set()
    thread.join(timeout=10)
    return elapsed


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _row(transport, stage, ours_name, ours, theirs_name, theirs, count) -> dict:
    return {"broker": transport, "stage": stage, "ours": ours_name, "ours msg/s": f"{count / ours:.0f}",
            "raw kombu": theirs_name, "kombu msg/s": f"{count / theirs:.0f}", "ratio": f"{theirs / ours:.2f}"}
