"""`bapas replay --from <service> --after <id> --to-queue <queue>`: re-deliver a service's history
to one integrator's queue, read from the service's /events feed and published in order.

Messages go to the broker's default exchange with routing key = the queue name, so only that
queue receives them (on RabbitMQ and on kombu's Redis transport alike), persistent, with the
same properties the relay gives a live event (message_id = event id, for deduplication).
"""
from kombu import Exchange, Producer

from shared import broker, envelope
from shared.commands import broker_connection, feeds_reachable
from shared.config import SERVICES, load_settings
from shared.feed import FeedReader, service_token

DEFAULT_EXCHANGE = Exchange("", type="direct")


def check_queue(connection, queue: str) -> None:
    """On RabbitMQ a message to a queue that does not exist is dropped: refuse instead."""
    if connection.transport_cls in ("redis", "rediss"):
        return  # a Redis-transport queue is a list, created by the first message
    try:
        connection.channel().queue_declare(queue=queue, passive=True)
    except connection.channel_errors:
        raise ValueError(f"queue {queue!r} does not exist on the broker; declare (and bind) it first") from None


def replay(reader: FeedReader, connection, *, queue: str, after: str | None, types) -> int:
    producer = Producer(connection.channel())
    count = 0
    while True:
        try:
            items, next_after = reader.page(after, types)
        except LookupError:
            raise ValueError(f"event {after} is not in the feed (unknown, or older than the retention period)") \
                from None
        for event in items:
            producer.publish(envelope.encode(event), exchange=DEFAULT_EXCHANGE, routing_key=queue, retry=True,
                             **broker.publish_options(event["id"], event.get("correlationid", "")))
            count += 1
        after = next_after or (items[-1]["id"] if items else after)
        if next_after is None:
            return count


def cmd_replay(args) -> int:
    settings = load_settings()
    reader = FeedReader(settings.urls[args.source], service_token(settings, "replay"), timeout=10)
    types = {t for value in args.type for t in value.split(",") if t} or None
    with broker_connection(settings.effective_broker_url) as connection, feeds_reachable():
        check_queue(connection, args.to_queue)
        count = replay(reader, connection, queue=args.to_queue, after=args.after, types=types)
    print(f"replayed {count} event(s) of {args.source} to queue {args.to_queue}")
    return 0


def register(sub) -> None:
    command = sub.add_parser("replay", help="re-deliver a service's events from its /events feed to one queue")
    command.add_argument("--from", dest="source", required=True, choices=SERVICES)
    command.add_argument("--after", default=None, help="the last event id the queue's owner has; omit for all kept")
    command.add_argument("--to-queue", required=True, help="the integrator's queue")
    command.add_argument("--type", action="append", default=[], help="only these event types (repeat or comma-list)")
    command.set_defaults(func=cmd_replay)
