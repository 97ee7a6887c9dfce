"""Broker topology and connections, the same over RabbitMQ (amqp://) and Redis (redis://, or
sentinel:// for a Redis primary found through Sentinel: BAPAS_REDIS_SENTINEL_MASTER names it).

- `bapas.events`: one durable topic exchange, routing key = event type.
- `<service>.events`: each consuming service's durable queue, bound to the types it handles,
  and to `bapas.retry` with routing key `<service>` so an operator can re-drive dead letters.
- `<service>.dead`: dead letters, bound to `bapas.dead` with routing key `<service>`.

Never fanout: kombu's Redis transport implements fanout with PUBLISH, which drops
messages nobody is listening for at that instant.
"""
from kombu import Connection, Exchange, Queue, binding

from shared import sentinel
from shared.config import DEAD_EXCHANGE, EXCHANGE, RETRY_EXCHANGE, load_settings

events_exchange = Exchange(EXCHANGE, type="topic", durable=True)
dead_exchange = Exchange(DEAD_EXCHANGE, type="direct", durable=True)
retry_exchange = Exchange(RETRY_EXCHANGE, type="direct", durable=True)


def connect(url: str, *, visibility_timeout: int = 60, settings=None) -> Connection:
    if url.startswith(("redis://", "rediss://", "sentinel://")):
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
