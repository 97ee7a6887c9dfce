"""laporan's handlers behind the backbone's consumer, over both transports: a month of events
published out of order and twice gives the exact figures; a malformed event goes to the dead letters
and the queue moves on."""
import random
import threading
import uuid
from dataclasses import replace

import pytest
from kombu import Producer

from services.laporan import handlers, sources
from shared import broker, clock, envelope, redis_tx
from shared.consumer import EventConsumer
from shared.inbox import Applier
from tests.integration.laporan.test_figures import EXPECTED, figures, month_of_activity
from tests.support.klien_fakes import FakeService
from tests.support.laporan_world import REGION
from tests.support.poll import eventually


@pytest.fixture
def consuming(redis_url, broker_url):
    """A laporan consumer under a service name of this test's own (its own queue and backbone keys)."""
    service = f"laporan-{uuid.uuid4().hex[:8]}"
    client = redis_tx.connect(redis_url)
    applier = Applier(client, service=service, handlers=handlers.build(clock.zone(), service))
    consumer = EventConsumer(client, service=service, region=REGION, broker_url=broker_url, applier=applier,
                             max_attempts=2, visibility_timeout=2)
    with broker.connect(broker_url) as connection:
        broker.declare(connection, consumer.queue, broker.dead_queue(service))
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    yield consumer
    stop.set()
    thread.join(timeout=15)
    assert not thread.is_alive(), "the consumer did not stop"


def publish(broker_url: str, events: list[dict]) -> None:
    with broker.connect(broker_url) as connection:
        producer = Producer(connection.channel())
        for event in events:
            producer.publish(envelope.encode(event), exchange=broker.events_exchange, routing_key=event["type"],
                             retry=True, **broker.publish_options(event["id"], event["correlationid"]))


def bimbingan_answers(world) -> dict:
    """GET /enrollments/{id} as bimbingan would answer it after the world's events: each enrollment's
    newest marks and version."""
    marks: dict[str, dict] = {}
    for event in world.events:
        if event["type"].startswith("bimbingan.enrollment.") or event["type"] == "bimbingan.attendance.recorded":
            marks.setdefault(event["subject"], {})
            if event["type"] == "bimbingan.attendance.recorded":
                marks[event["subject"]][event["data"]["session_id"]] = event["data"]["attendance"]
    return {f"/enrollments/{e}": {"id": e, "version": world.versions[e],
                                  "attendance": [{"session_id": s, "attendance": a} for s, a in m.items()]}
            for e, m in marks.items()}


def test_a_month_delivered_out_of_order_and_twice_is_exact(consuming, broker_url, world, report, settings):
    month_of_activity(world)
    shuffled = world.events * 2
    random.Random(11).shuffle(shuffled)
    publish(broker_url, shuffled)
    stats = consuming.stats
    eventually(lambda: stats.read()["consumed"] + stats.read()["stale"] == len(world.events), timeout=30)
    got = report()
    assert {k: got[k] for k in ("clients", "enrollments")} == {k: EXPECTED[k] for k in ("clients", "enrollments")}
    # Marks older than their enrollment's completion were dropped as stale: the enrollment is suspect
    # until the worker reads its marks from bimbingan; then the month is exact.
    assert consuming.redis.smembers("laporan:marks:suspect")
    with FakeService(bimbingan_answers(world)) as owner:
        owners = sources.Owners(replace(settings, urls={**settings.urls, "bimbingan": owner.url}))
        sources.repair_suspect_marks(consuming.redis, owners, clock.zone(), consuming.service)
    assert figures(report()) == EXPECTED
    assert report()["groups"][0]["sessions_held"] == 2


def test_a_malformed_event_is_dead_lettered_and_the_next_one_applied(consuming, broker_url, world, report):
    client = world.client()
    broken = world.client()
    broken["data"]["supervision_type"] = "UNKNOWN"
    publish(broker_url, [broken, client])
    eventually(lambda: report()["clients"]["registered"] == 1, timeout=30)
    eventually(lambda: int(consuming.stats.read()["dead_lettered"]) == 1, timeout=30)
