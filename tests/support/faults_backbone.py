"""Reading the backbone's state from outside: is everything published and consumed, and what went wrong.

Used by the fault drills and the benchmarks to wait until the system has settled."""
import time

import redis as redis_lib

from shared import broker, service
from shared.config import SERVICES
from shared.keys import BackboneKeys
from shared.stats import Stats
from shared.subscriptions import declared

QUEUE_OWNERS = ("klien", "pokmas", "bimbingan")


def relays_caught_up(client) -> bool:
    """Every service's relay has published (and the broker confirmed) its whole outbox."""
    for service in SERVICES:
        keys = BackboneKeys(service)
        last = client.xrevrange(keys.outbox, count=1)
        if last and client.get(keys.relay_position) != last[0][0]:
            return False
    return True


def queue_depths(broker_url: str) -> dict:
    """Ready messages in each service's events and dead queue (passive declare: creates nothing)."""
    depths = {}
    with broker.connect(broker_url) as connection:
        for service in QUEUE_OWNERS:
            for queue in (broker.events_queue(service, []), broker.dead_queue(service)):
                try:
                    channel = connection.channel()
                    depths[queue.name] = queue(channel).queue_declare(passive=True).message_count
                    channel.close()
                except Exception:  # a queue that does not exist (a service with no consumer) holds nothing
                    depths[queue.name] = 0
    return depths


def settled(client, broker_url: str) -> bool:
    if not relays_caught_up(client):
        return False
    return all(depth == 0 for name, depth in queue_depths(broker_url).items() if name.endswith(".events"))


def wait_settled(redis_url: str, broker_url: str, timeout: float = 60, quiet_checks: int = 3) -> float:
    """Wait until outboxes are published and event queues are empty for `quiet_checks` checks in a row.
    Returns the seconds it took; raises TimeoutError."""
    client = redis_lib.Redis.from_url(redis_url, decode_responses=True)
    start = time.monotonic()
    quiet = 0
    while quiet < quiet_checks:
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"backbone did not settle in {timeout}s")
        try:
            quiet = quiet + 1 if settled(client, broker_url) else 0
        except (redis_lib.RedisError, OSError):
            quiet = 0
        time.sleep(0.2)
    return time.monotonic() - start


def feeds_caught_up(client) -> bool:
    """Every worker's feed catch-up has read its sources' /events past the last event it handles (what
    the broker path applied is read there again, every FEED_CATCH_UP_SECONDS: after a bulk load, a few
    seconds of the workers' CPU)."""
    for name in SERVICES:
        handled = set(declared(name))
        for source in service.load(name).sources:
            last = _last_stream_id(client, source, {t for t in handled if t.startswith(source + ".")})
            if last is None:
                continue
            position = client.get(BackboneKeys(name).feed_position(source))
            read_up_to = client.hget(BackboneKeys(source).outbox_index, position) if position else None
            if read_up_to is None or _ordered(read_up_to) < _ordered(last):
                return False
    return True


def _last_stream_id(client, source: str, types: set[str]) -> str | None:
    """The stream id of the newest event of `types` in `source`'s outbox (read back a page at a time)."""
    end = "+"
    while True:
        entries = client.xrevrange(BackboneKeys(source).outbox, max=end, count=500)
        for stream_id, fields in entries:
            if fields.get("type") in types:
                return stream_id
        if len(entries) < 500:
            return None
        end = "(" + entries[-1][0]


def _ordered(stream_id: str) -> tuple[int, int]:
    milliseconds, sequence = stream_id.split("-")
    return int(milliseconds), int(sequence)


def wait_feeds_caught_up(redis_url: str, timeout: float = 90) -> float:
    """Wait until `feeds_caught_up`; returns the seconds it took; raises TimeoutError."""
    client = redis_lib.Redis.from_url(redis_url, decode_responses=True)
    start = time.monotonic()
    while not feeds_caught_up(client):
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"the feed catch-ups did not reach their sources' last events in {timeout}s")
        time.sleep(0.5)
    return time.monotonic() - start


def dead_lettered(redis_url: str) -> dict:
    client = redis_lib.Redis.from_url(redis_url, decode_responses=True)
    return {service: Stats(client, service).read()["dead_lettered"] for service in SERVICES}
