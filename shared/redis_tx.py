"""Optimistic transactions: WATCH, read, MULTI, write, EXEC; retried when a watched key changed.

This is how a record change and its outbox events are committed together, and
how a consumed event's effect and its inbox mark are committed together.

Exactly once, even when the reply to EXEC is lost (Redis or the network died right after it
committed): each transaction also sets a commit marker of its own, naming the attempt, in the
same MULTI/EXEC. Before trying again after an EXEC whose outcome it did not see, `transact`
reads the marker: if that attempt committed, its result is returned instead of doing the work a
second time. The marker is watched too, so an EXEC that reaches Redis late aborts the retry.
Neither redis-py's own retry nor a WatchError can re-run a committed transaction.

Round trips: a WATCH is not sent on its own but with the next command (a read, or the MULTI/EXEC),
in the same write to the socket and before it (`_Pipeline`), and `read_together` sends several reads
(with the pending WATCH) at once. Redis runs them in the order sent, so what is watched and when is
as before; a transaction that reads once costs two round trips: WATCH + reads, MULTI..EXEC.
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


class _Pipeline(redis.client.Pipeline):
    """redis-py's transaction pipeline whose WATCH travels with the next command.

    `watch` takes a connection from the pool (no round trip) and keeps the keys; they are sent as WATCH
    before the next command, in the same write to the socket (or before MULTI/EXEC, when nothing is
    read). Until a WATCH has been sent the pipe is not `watching`, as with redis-py's own: a connection
    error on that first round trip is retried by redis-py (WATCH and reads again), one after it
    raises WatchError, and EXEC is never sent again by redis-py itself."""

    def __init__(self, *args, **kwargs):
        self._to_watch: list[str] = []
        super().__init__(*args, **kwargs)

    def watch(self, *names):
        if self.explicit_transaction:
            raise redis.RedisError("Cannot issue a WATCH after a MULTI")
        if names:
            if self.connection is None:
                self.connection = self.connection_pool.get_connection()
            self._to_watch.extend(names)
        return True

    def execute_command(self, *args, **kwargs):
        if self._to_watch and not self.explicit_transaction:
            return self.immediate_execute_command(*args, **kwargs)
        return super().execute_command(*args, **kwargs)

    def immediate_execute_command(self, *args, **options):
        if not self._to_watch:
            return super().immediate_execute_command(*args, **options)
        return self.read_together([args], [options])[0]

    def read_together(self, commands: list[tuple], options: list[dict] | None = None) -> list:
        """Send the pending WATCH and `commands` (argument tuples, e.g. ("GET", key)) in one round trip;
        their replies, as redis-py's methods would give them. A reply that is an error is raised."""
        conn = self.connection
        if conn is None:
            conn = self.connection = self.connection_pool.get_connection()
        options = options or [{} for _ in commands]
        names, self._to_watch = self._to_watch, []
        sent = ([("WATCH", *names)] if names else []) + list(commands)

        def call():
            conn.send_packed_command(conn.pack_commands(sent))
            replies, error = [], None
            for args, opts in zip(sent, ([{}] if names else []) + list(options)):
                try:  # every reply is taken off the connection, whatever an earlier one answered
                    replies.append(self.parse_response(conn, args[0], **opts))
                except redis.ResponseError as e:
                    error = error or e
            if error is not None:
                raise error
            return replies[1:] if names else replies

        return conn.retry.call_with_retry(call, lambda error: self._disconnect_reset_raise_on_watching(conn, error))

    def parse_response(self, connection, command_name, **options):
        """The MULTI, QUEUED and EXEC replies of a transaction (command "_", no options) as redis-py's own
        path gives them (no callback is named "_", none of them is WATCH or UNWATCH), without its layers."""
        if command_name == "_" and not options:
            return connection.read_response()
        return super().parse_response(connection, command_name, **options)

    def execute(self, raise_on_error: bool = True):
        if self._to_watch:  # nothing was read since the last watch: WATCH goes out first
            names, self._to_watch = self._to_watch, []
            super().immediate_execute_command("WATCH", *names)
        return super().execute(raise_on_error)

    def reset(self) -> None:
        self._to_watch = []
        super().reset()


def pipeline(client: redis.Redis):
    """A transaction pipeline on `client`'s pool whose WATCH goes out with the next command (a stand-in
    client of the tests gives its own pipeline)."""
    if not isinstance(client, redis.Redis):
        return client.pipeline(transaction=True)
    return _Pipeline(client.connection_pool, client.response_callbacks, True, None)


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
        with pipeline(client) as pipe:
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
