"""The consumer's connection reads the broker's bytes a buffer at a time (shared/broker.py read_ahead),
against the local RabbitMQ: every message arrives whole and in order, whatever its size (a body larger
than the read-ahead and than a frame included), and a drain that times out loses nothing of a frame
cut short. Queues of their own names in the session's vhost."""
import uuid

import pytest
from kombu import Consumer, Producer, Queue

from shared import broker

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def bodies() -> list[bytes]:
    sizes = [1, 700, 4_000, broker.READ_AHEAD_BYTES + 3, 300_000, 0, 900] * 40
    return [bytes([n % 251]) * size for n, size in enumerate(sizes)]


def drained(connection, queue: Queue, count: int) -> list:
    received: list = []
    with Consumer(connection, [queue], on_message=received.append, prefetch_count=50):
        while len(received) < count:
            try:
                connection.drain_events(timeout=0.001)  # a timeout can fall in the middle of a frame
            except TimeoutError:
                pass
            if received:
                received[-1].ack()
    return received


def test_every_message_arrives_whole_and_in_order(rabbitmq_vhost):
    queue = Queue(f"reads-{uuid.uuid4().hex[:8]}", durable=False, auto_delete=True)
    expected = bodies()
    with broker.connect(rabbitmq_vhost.url) as connection:
        broker.ensure_connected(connection)
        broker.read_ahead(connection)
        bound = queue(connection.default_channel)
        bound.declare()
        producer = Producer(connection.channel())
        for n, body in enumerate(expected):
            producer.publish(body, routing_key=queue.name, content_type="application/octet-stream",
                             content_encoding="binary", message_id=str(n))
        received = drained(connection, queue, len(expected))
        assert not broker.buffered(connection)
    assert [message.body or b"" for message in received] == expected  # kombu gives an empty body as ""
    assert [message.properties["message_id"] for message in received] == [str(n) for n in range(len(expected))]


def test_the_read_ahead_keeps_what_the_socket_gave_beyond_a_frame(rabbitmq_vhost):
    queue = Queue(f"reads-{uuid.uuid4().hex[:8]}", durable=False, auto_delete=True)
    with broker.connect(rabbitmq_vhost.url) as connection:
        broker.ensure_connected(connection)
        broker.read_ahead(connection)
        queue(connection.default_channel).declare()
        producer = Producer(connection.channel())
        for n in range(20):
            producer.publish(b"event %d" % n, routing_key=queue.name, content_type="application/octet-stream",
                             content_encoding="binary")
        received: list = []
        with Consumer(connection, [queue], on_message=received.append, prefetch_count=50):
            while not received:
                connection.drain_events(timeout=5)
            # the first delivery's read brought the others' bytes too: the consumer's gathering sees them
            # waiting in the buffer, not in the socket
            assert broker.buffered(connection)
            while len(received) < 20:
                connection.drain_events(timeout=5)
            for message in received:
                message.ack()
    assert [message.body for message in received] == [b"event %d" % n for n in range(20)]
