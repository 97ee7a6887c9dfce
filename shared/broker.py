"""Broker topology and connections, the same over RabbitMQ (amqp://) and Redis (redis://, or
sentinel:// for a Redis primary found through Sentinel: BAPAS_REDIS_SENTINEL_MASTER names it).

- `bapas.events`: one durable topic exchange, routing key = event type.
- `<service>.events`: each consuming service's durable queue, bound to the types it handles,
  and to `bapas.retry` with routing key `<service>` so an operator can re-drive dead letters.
- `<service>.dead`: dead letters, bound to `bapas.dead` with routing key `<service>`.

Never fanout: kombu's Redis transport implements fanout with PUBLISH, which drops
messages nobody is listening for at that instant.

On RabbitMQ the queues are classic or quorum (BAPAS_QUEUE_TYPE; a cluster wants quorum: replicated
on a majority of the nodes, they survive a node's death). BROKER_URL may name several nodes of a
cluster, `amqp://u:p@a:5672//;amqp://u:p@b:5672//`: a connection tries each in turn.
"""
import errno
import logging
import socket
from contextlib import contextmanager
from typing import Callable

import redis
from amqp.exceptions import PreconditionFailed
from kombu import Connection, Exchange, Queue, binding
from kombu.transport import virtual
from kombu.utils.url import maybe_sanitize_url

from shared import sentinel
from shared.config import DEAD_EXCHANGE, EXCHANGE, RETRY_EXCHANGE, load_settings, queue_type

log = logging.getLogger(__name__)

events_exchange = Exchange(EXCHANGE, type="topic", durable=True)
dead_exchange = Exchange(DEAD_EXCHANGE, type="direct", durable=True)
retry_exchange = Exchange(RETRY_EXCHANGE, type="direct", durable=True)


def connect(url: str, *, visibility_timeout: int = 60, settings=None) -> Connection:
    if is_redis(url) or url.startswith("sentinel://"):
        options = {
            # A message taken by a worker that died comes back after this many seconds.
            "visibility_timeout": visibility_timeout,
            "unacked_restore_throttle": 1,
            "socket_timeout": 10,
            "socket_connect_timeout": 3,
        }
        if url.startswith("sentinel://"):
            options.update(sentinel.kombu_options(settings or load_settings()))
    else:
        options = {"confirm_publish": True}
    return Connection(url, transport_options=options, connect_timeout=3, heartbeat=0)


# The node of each failover URL that answered last. The next connection tries it first: a node that
# hangs instead of refusing (a partition, a pod being replaced) costs the connect timeout once, not at
# every connection (a /readyz has 2 s in all).
_answered: dict[tuple[str, ...], str] = {}


def ensure_connected(connection: Connection, timeout: float | None = None) -> None:
    """Connect, trying every node of a failover URL once (one URL: twice) before giving up."""
    nodes = tuple(connection.alt)
    if connection.connected or len(nodes) < 2:
        connection.ensure_connection(max_retries=1, timeout=timeout)
        return
    start = nodes.index(_answered[nodes]) if _answered.get(nodes) in nodes else 0
    order = nodes[start:] + nodes[:start]
    if start:
        connection.switch(order[0])
    connection.cycle = connection.failover_strategy(order)
    next(connection.cycle)
    failed = []

    def did_not_answer(exc, _interval):
        log.warning("broker node %s did not answer: %s", maybe_sanitize_url(order[len(failed) % len(order)]), exc)
        failed.append(exc)

    connection.ensure_connection(errback=did_not_answer, max_retries=len(order) - 1, timeout=timeout)
    _answered[nodes] = order[len(failed) % len(order)]


def queue_arguments() -> dict:
    """Declared with every consuming queue; kombu's Redis transport ignores them."""
    return {"x-queue-type": "quorum"} if queue_type() == "quorum" else {}


def events_queue(service: str, routing_keys) -> Queue:
    bindings = [binding(events_exchange, routing_key=key) for key in sorted(routing_keys)]
    bindings.append(binding(retry_exchange, routing_key=service))
    return Queue(f"{service}.events", bindings=bindings, durable=True, queue_arguments=queue_arguments())


def dead_queue(service: str) -> Queue:
    return Queue(f"{service}.dead", exchange=dead_exchange, routing_key=service, durable=True,
                 queue_arguments=queue_arguments())


def declare(connection: Connection, *queues: Queue) -> list[Queue]:
    """Declare the exchanges and QUEUES; answer the queues to consume, as they exist on the broker."""
    channel = connection.default_channel
    for exchange in (events_exchange, dead_exchange, retry_exchange):
        exchange(channel).declare()
    return [_declared(connection, queue) for queue in queues]


def _declared(connection: Connection, queue: Queue) -> Queue:
    """A queue that exists with another type (classic before BAPAS_QUEUE_TYPE=quorum, or the reverse) is
    refused by RabbitMQ (406) and cannot be converted in place. Stopping the worker would stop the views
    while the events pile up, so the existing queue is used as it is, bound again, with an error logged
    each time it is declared until an operator moves it (docs/operations.md)."""
    if not queue.queue_arguments:
        queue(connection.default_channel).declare()
        return queue
    try:
        with connection.channel() as channel:  # the broker closes a channel whose declaration it refuses
            queue(channel).declare()
        return queue
    except PreconditionFailed as exc:
        log.error("queue %s exists with another type than BAPAS_QUEUE_TYPE=%s (%s): consuming it as it is; "
                  "docs/operations.md says how to move it", queue.name, queue_type(), exc.reply_text)
    existing = Queue(queue.name, exchange=queue.exchange, routing_key=queue.routing_key,
                     bindings=queue.bindings, durable=True, no_declare=True)
    with connection.channel() as channel:
        bound = existing(channel)
        bound.queue_declare(passive=True)
        if bound.exchange and bound.exchange.name:
            bound.queue_bind()
        for each in bound.bindings:
            each.bind(bound)
    return existing


READ_AHEAD_BYTES = 64 * 1024


def read_ahead(connection: Connection) -> None:
    """A consuming connection's socket read a buffer at a time, not a frame part at a time.

    py-amqp asks the socket for exactly the bytes it needs next: a frame's 7-byte head, then its payload,
    two recv calls a frame and six a delivered message (method, header, body). Reading up to
    READ_AHEAD_BYTES each time leaves the rest in the transport's buffer, where py-amqp's next read
    finds it (the same buffer it fills itself when a read is cut short): 10 µs less CPU per message for
    a consumer draining with a timeout, 29 -> 19 µs (issue 21). Only py-amqp's plain TCP transport; TLS
    and the Redis transport read as they do. `buffered` tells whether bytes wait there."""
    transport = getattr(connection.connection, "transport", None)
    if type(transport).__name__ != "TCPTransport" or not hasattr(transport, "_quick_recv"):
        return

    def read(n, initial=False, _errnos=(errno.EAGAIN, errno.EINTR)):
        buffer = transport._read_buffer
        if type(buffer) is not bytearray:  # py-amqp puts a cut-short frame's bytes back as bytes
            buffer = transport._read_buffer = bytearray(buffer)
        while len(buffer) < n:
            try:
                chunk = transport._quick_recv(max(n - len(buffer), READ_AHEAD_BYTES))
            except OSError as exc:
                if exc.errno in _errnos:
                    if initial and transport.raise_on_initial_eintr:
                        raise socket.timeout()
                    continue
                raise  # what came stays in the buffer for the next read, as with py-amqp's own
            if not chunk:
                raise OSError("Server unexpectedly closed connection")
            buffer += chunk
        part = bytes(buffer[:n])
        del buffer[:n]  # a bytearray drops its head without moving the rest
        return part

    transport._read = read


def buffered(connection: Connection) -> bool:
    """Bytes of the broker's wait in the connection's read buffer (`read_ahead`), not in the socket."""
    transport = getattr(connection.connection, "transport", None)
    return bool(getattr(transport, "_read_buffer", b""))


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
