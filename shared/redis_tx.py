"""Optimistic transactions: WATCH, read, MULTI, write, EXEC; retried when a watched key changed.

This is how a record change and its outbox events are committed together, and
how a consumed event's effect and its inbox mark are committed together.
"""
import redis

from shared.errors import Conflict

MAX_ATTEMPTS = 200


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True, health_check_interval=30,
                                socket_connect_timeout=3, socket_timeout=10)


def transact(client: redis.Redis, work, *watch_keys):
    """Run `work(pipe)` until EXEC succeeds and return what `work` returned.

    `work` reads with `pipe` (immediate mode, keys watched), may watch more keys
    with `pipe.watch(...)`, then calls `pipe.multi()` and queues its writes. If it
    never calls `multi()`, nothing is written. Domain errors raised by `work`
    propagate and nothing is written.
    """
    for _ in range(MAX_ATTEMPTS):
        with client.pipeline(transaction=True) as pipe:
            try:
                if watch_keys:
                    pipe.watch(*watch_keys)
                result = work(pipe)
                if pipe.explicit_transaction:
                    pipe.execute()
                return result
            except redis.WatchError:
                continue
    raise Conflict("the record changed too often while it was being written; try again")
