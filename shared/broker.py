"""Broker topology and connections, the same over RabbitMQ (amqp://) and Redis (redis://).

- `bapas.events`: one durable topic exchange, routing key = event type.
- `<service>.events`: each consuming service's durable queue, bound to the types it handles,
  and to `bapas.retry` with routing key `<service>` so an operator can re-drive dead letters.
- `<service>.dead`: dead letters, bound to `bapas.dead` with routing key `<service>`.

Never fanout: kombu's Redis transport implements fanout with PUBLISH, which drops
messages nobody is listening for at that instant.
"""
from contextlib import contextmanager
from typing import Callable

import redis
from kombu import Connection, Exchange, Queue, binding
from kombu.transport import virtual

from shared.config import DEAD_EXCHANGE, EXCHANGE, RETRY_EXCHANGE

events_exchange = Exchange(EXCHANGE, type="topic", durable=True)
dead_exchange = Exchange(DEAD_EXCHANGE, type="direct", durable=True)
retry_exchange = Exchange(RETRY_EXCHANGE, type="direct", durable=True)


def connect(url: str, *, visibility_timeout: int = 60) -> Connection:
    if is_redis(url):
        options = {
            # A message taken by a worker that died comes back after this many seconds.
            "visibility_timeout": visibility_timeout,
            "unacked_restore_throttle": 1,
            "socket_timeout": 10,
            "socket_connect_timeout": 3,
        }
    else:
        options = {"confirm_publish": True}
    return Connection(url, transport_options=options, connect_timeout=3, heartbeat=0)


def events_queue(service: str, routing_keys) -> Queue:
    bindings = [binding(events_exchange, routing_key=key) for key in sorted(routing_keys)]
    bindings.append(binding(retry_exchange, routing_key=service))
    return Queue(f"{service}.events", bindings=bindings, durable=True)


def dead_queue(service: str) -> Queue:
    return Queue(f"{service}.dead", exchange=dead_exchange, routing_key=service, durable=True)


def declare(connection: Connection, *queues: Queue) -> None:
    channel = connection.default_channel
    for exchange in (events_exchange, dead_exchange, retry_exchange):
        exchange(channel).declare()
    for queue in queues:
        queue(channel).declare()


def publish_options(event_id: str, correlation_id: str) -> dict:
    return {
        "delivery_mode": 2,
        "content_type": "application/cloudevents+json",
        "content_encoding": "utf-8",
        "message_id": event_id,
        "correlation_id": correlation_id,
    }


def is_redis(url: str) -> bool:
    return url.startswith(("redis://", "rediss://"))


def backlog(url: str) -> Callable[[str], int] | None:
    """How many messages wait in a queue, where a consumer must ask: kombu's Redis transport fetches
    one message per BRPOP round trip, so a consumer gathering a batch needs to know how many more
    are coming (kombu keeps a queue as a Redis list of its name). None for RabbitMQ, which pushes up
    to the prefetch count at once: what is not in the socket already is not coming soon."""
    if not is_redis(url):
        return None
    client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=3)
    return client.llen


def ack_all(messages: list) -> None:
    """Ack a batch whose earlier deliveries on the channel are all settled already (the consumer's
    batches are applied and acked in delivery order). RabbitMQ: one ack with `multiple` for the last
    delivery tag, one frame instead of one per message. Redis transport: kombu acks each message with
    a round trip of its own (ZREM + HDEL of the unacked indexes); here they go in one pipeline, then
    kombu's in-memory bookkeeping drops them as its own ack would."""
    if not messages:
        return
    qos = getattr(messages[0].channel, "qos", None)
    if hasattr(qos, "_remove_from_indices"):
        with qos.pipe_or_acquire() as pipe:
            for message in messages:
                qos._remove_from_indices(message.delivery_tag, pipe)
            pipe.execute()
        for message in messages:
            virtual.QoS.ack(qos, message.delivery_tag)
    else:
        messages[-1].ack(multiple=True)
    for message in messages:
        message._state = "ACK"


@contextmanager
def bindings_read_once(channel):
    """Within the block, each exchange's bindings are read once. kombu's Redis transport reads them
    (SMEMBERS) for every message it routes, a round trip each: three quarters of a batch's publish
    time. A queue bound during the block gets the block's messages from the next block on, as if it
    had been bound a moment later. RabbitMQ routes in the broker (py-amqp's channel has no table)."""
    read = getattr(channel, "get_table", None)
    if read is None:
        yield
        return
    tables: dict = {}
    channel.get_table = lambda exchange: tables[exchange] if exchange in tables else \
        tables.setdefault(exchange, read(exchange))
    try:
        yield
    finally:
        del channel.get_table
