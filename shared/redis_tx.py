"""Optimistic transactions: WATCH, read, MULTI, write, EXEC; retried when a watched key changed.

This is how a record change and its outbox events are committed together, and
how a consumed event's effect and its inbox mark are committed together.

Exactly once, even when the reply to EXEC is lost (Redis or the network died right after it
committed): each transaction also sets a commit marker of its own, naming the attempt, in the
same MULTI/EXEC. Before trying again after an EXEC whose outcome it did not see, `transact`
reads the marker: if that attempt committed, its result is returned instead of doing the work a
second time. The marker is watched too, so an EXEC that reaches Redis late aborts the retry.
Neither redis-py's own retry nor a WatchError can re-run a committed transaction.
"""
import uuid

import redis

from shared import replication, sentinel
from shared.config import load_settings
from shared.errors import Conflict, Unavailable

MAX_ATTEMPTS = 200
# Only the `transact` call that wrote a marker reads it, within its retries (redis-py gives up on an
# unreachable Redis after a few seconds); the TTL bounds what the markers cost in memory.
MARKER_TTL_SECONDS = 120


def connect(url: str, settings=None) -> redis.Redis:
    """The one place a Redis client is made: `url` directly, or the primary Sentinel names when
    BAPAS_REDIS_SENTINELS is set; it carries the replication policy `replication.confirm` applies."""
    settings = settings or load_settings()
    options = {"decode_responses": True, "health_check_interval": 30, "socket_connect_timeout": 3,
               "socket_timeout": 10}
    if settings.redis_sentinels:
        client = sentinel.primary(url, settings, **options)
    else:
        client = redis.Redis.from_url(url, **options)
    return replication.require(client, replication.Policy(settings.redis_min_replicas,
                                                          settings.redis_wait_timeout_ms))


def transact(client: redis.Redis, work, *watch_keys):
    """Run `work(pipe)` until EXEC succeeds and return what `work` returned.

    `work` reads with `pipe` (immediate mode, keys watched), may watch more keys
    with `pipe.watch(...)`, then calls `pipe.multi()` and queues its writes. If it
    never calls `multi()`, nothing is written. Domain errors raised by `work`
    propagate and nothing is written.
    """
    marker = f"tx:committed:{uuid.uuid4().hex}"
    results: dict[int, object] = {}  # attempt -> what its work returned
    unsure = False  # an EXEC was sent and its answer not seen
    for attempt in range(MAX_ATTEMPTS):
        with client.pipeline(transaction=True) as pipe:
            try:
                # Watching (the marker at least) also stops redis-py from sending MULTI..EXEC again by
                # itself after a connection error: it raises WatchError instead, and we look.
                pipe.watch(marker, *watch_keys)
                if unsure:
                    committed = pipe.get(marker)
                    if committed is not None:
                        return results[int(committed)]
                    unsure = False
                results[attempt] = work(pipe)
                if pipe.explicit_transaction:
                    pipe.set(marker, attempt, ex=MARKER_TTL_SECONDS)
                    unsure = True
                    pipe.execute()
                return results[attempt]
            except redis.WatchError:
                continue
            except (redis.ConnectionError, redis.TimeoutError):
                if unsure:
                    raise Unavailable("the data store went away while the change was being committed; it may "
                                      "have been made: read the record before trying again") from None
                raise
    raise Conflict("the record changed too often while it was being written; try again")
