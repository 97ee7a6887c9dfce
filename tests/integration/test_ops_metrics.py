"""Consumer lag and dead letters waiting, on /metrics, over both transports."""
import re
import time

import pytest
import redis
import requests
from kombu import Producer

from shared import broker
from shared.metrics import serve_worker_metrics
from shared.redis_tx import connect
from tests.support.plumbing_app import make_app
from tests.support.ports import free_port


def waiting(broker_url: str, queues, *, events: int, dead: int) -> None:
    """`events` messages in klien.events and `dead` in klien.dead, nobody consuming."""
    events_queue, dead_queue = queues
    with broker.connect(broker_url) as connection:
        broker.declare(connection, events_queue, dead_queue)
        for queue in (events_queue, dead_queue):
            queue(connection.default_channel).purge()
        producer = Producer(connection.channel())
        for _ in range(events):
            producer.publish("{}", exchange=broker.events_exchange, routing_key="ops.test.waiting", retry=True)
        for _ in range(dead):
            producer.publish("{}", exchange=broker.dead_exchange, routing_key="klien", retry=True)


def gauge(text: str, name: str) -> float | None:
    found = re.search(rf'^{name}{{service="klien"}} (\S+)$', text, re.MULTILINE)
    return float(found.group(1)) if found else None


@pytest.fixture
def queues(broker_url):
    yield broker.events_queue("klien", ["ops.test.waiting"]), broker.dead_queue("klien")
    with broker.connect(broker_url) as connection:
        for queue in (broker.events_queue("klien", ["ops.test.waiting"]), broker.dead_queue("klien")):
            queue(connection.default_channel).delete()


def test_metrics_show_the_events_waiting_for_the_consumer_and_the_dead_letters(redis_url, broker_url, queues):
    http = make_app(redis_url, broker_url=broker_url).test_client()
    waiting(broker_url, queues, events=3, dead=2)
    text = http.get("/metrics").get_data(as_text=True)
    assert gauge(text, "bapas_consumer_lag_messages") == 3
    assert gauge(text, "bapas_dead_letters") == 2


def test_metrics_count_the_workers_alive_by_their_heartbeat(redis_url):
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    now = int(time.time())
    store.hset("klien:workers", mapping={"host-a:1": now, "host-b:2": now - 5, "host-c:3": now - 120})
    text = make_app(redis_url).test_client().get("/metrics").get_data(as_text=True)
    assert gauge(text, "bapas_workers_alive") == 2


def test_a_worker_serves_its_metrics_on_its_own_port(redis_url):
    port = free_port()
    serve_worker_metrics(connect(redis_url), "klien", redis_url, "127.0.0.1", port)
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert gauge(text, "bapas_outbox_backlog") == 0 and gauge(text, "bapas_workers_alive") == 0
