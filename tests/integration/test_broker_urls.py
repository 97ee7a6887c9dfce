"""BROKER_URL spellings the contract promises: `//` and `%2F` both mean RabbitMQ's vhost `/`."""
import uuid

import pytest
from kombu import Exchange, Queue

from shared import broker
from tests.support import rabbitmq


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
