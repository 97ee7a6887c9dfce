"""BROKER_URL spellings the contract promises: `//` and `%2F` both mean RabbitMQ's vhost `/`."""
import uuid

import pytest
from kombu import Exchange, Queue

from shared import broker, metrics, sentinel
from tests.support import rabbitmq
from tests.support.redis_replicas import MASTER, ReplicatedRedis


@pytest.fixture
def rabbit():
    reason = rabbitmq.available()
    if reason:
        pytest.skip(reason)


def test_double_slash_and_percent_2f_reach_the_same_vhost(rabbit):
    name = f"bapas-url-test-{uuid.uuid4().hex[:8]}"
    queue = Queue(name, Exchange(name, type="direct", durable=False), routing_key=name, durable=False,
                  auto_delete=False)
    with broker.connect("amqp://guest:guest@127.0.0.1:5672//") as one:
        one.ensure_connection(max_retries=1)
        assert one.virtual_host == "/"
        producer = one.Producer()
        producer.publish("hello", exchange=queue.exchange, routing_key=name, declare=[queue])
    with broker.connect("amqp://guest:guest@127.0.0.1:5672/%2F") as other:
        other.ensure_connection(max_retries=1)
        assert other.virtual_host == "/"
        simple = other.SimpleQueue(queue)
        message = simple.get(timeout=5)
        assert message.body in (b"hello", "hello")
        message.ack()
        simple.close()
        queue(other.channel()).delete()


def test_a_sentinel_url_reaches_the_redis_primary_sentinel_names(monkeypatch):
    """kombu's sentinel:// transport, as BAPAS_REDIS_SENTINELS makes it when BROKER_URL is not set;
    /metrics measures the queue on the same primary."""
    nodes = ReplicatedRedis()
    try:
        nodes.with_sentinel()
        monkeypatch.setenv("BAPAS_REDIS_SENTINELS", f"127.0.0.1:{nodes.sentinel.port}")
        monkeypatch.setenv("BAPAS_REDIS_SENTINEL_MASTER", MASTER)
        url = sentinel.kombu_url("redis://ignored/0", f"127.0.0.1:{nodes.sentinel.port}")
        service = f"sentineltest{uuid.uuid4().hex[:8]}"
        queue = Queue(f"{service}.events", Exchange(service, type="direct"), routing_key=service)
        with broker.connect(url) as connection:
            connection.ensure_connection(max_retries=1)
            producer = connection.Producer()
            for body in ("one", "two"):
                producer.publish(body, exchange=queue.exchange, routing_key=service, declare=[queue])
            assert metrics.QueueDepths(url, service, ttl=0).read() == {"events": 2, "dead": 0}
            simple = connection.SimpleQueue(queue)
            message = simple.get(timeout=5)
            assert message.body in (b"one", "one")
            message.ack()
            simple.close()
        assert nodes.primary.client().llen(f"{service}.events") == 1
    finally:
        nodes.cleanup()
