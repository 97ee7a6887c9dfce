"""Several consumed events' effects queued for one MULTI/EXEC (one fsync), each as if it ran alone.

A handler is written for a pipe of its own: it reads (keys watched), calls `multi()`, queues writes.
`BatchPipe` gives each event of a batch an `EventPipe` that looks like that pipe: reads go to the
transaction's real pipe at once (immediate mode, keys watched), writes are collected and queued on
the real pipe only when the whole batch commits. So an event reads the store as it was before the
batch, not as the earlier events of the batch will leave it. That is exact only while no event reads
a key an earlier event of the batch writes: the keys of every read are checked against the keys
written so far, and such a read raises `ReadAfterWrite`; the caller commits what came before and
starts the event again in a new transaction, where it reads what the earlier ones wrote.

A handler may say beforehand what it reads (`reads(event)`, planned reads): the batch's planned reads
go to Redis with the batch's first reads, in one round trip after one WATCH of all their keys, and the
handler's own read of the same command and key is answered from there (once), not by a round trip
of its own. Its keys being watched before they were read, a change by anyone else fails the EXEC and
the whole batch is run again, as for any read.
"""
import redis
from redis.commands.core import CoreCommands

# Commands whose keys are known (redis-py sends the name upper case). Any other command's arguments
# are all taken for keys when it reads, and a write by one marks every key written: a command this
# table does not know can only cost a split batch, never a wrong read.
_ALL_ARGS = frozenset({"MGET", "DEL", "UNLINK", "EXISTS", "TOUCH", "SINTER", "SUNION", "SDIFF", "WATCH"})
_SCRIPTS = frozenset({"EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"})
_FIRST_ARG = frozenset("""
    GET SET SETEX PSETEX SETNX GETDEL GETEX GETSET APPEND STRLEN INCR INCRBY INCRBYFLOAT DECR DECRBY
    EXPIRE PEXPIRE EXPIREAT PEXPIREAT PERSIST TTL PTTL TYPE
    HGET HMGET HGETALL HSET HMSET HSETNX HDEL HINCRBY HINCRBYFLOAT HEXISTS HLEN HKEYS HVALS HSCAN HSTRLEN
    SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SSCAN SPOP SRANDMEMBER
    ZADD ZREM ZRANGE ZRANGEBYSCORE ZRANGEBYLEX ZREVRANGE ZREVRANGEBYSCORE ZREVRANGEBYLEX ZSCORE ZMSCORE
    ZCARD ZCOUNT ZLEXCOUNT ZINCRBY ZRANK ZREVRANK ZREMRANGEBYSCORE ZREMRANGEBYRANK ZREMRANGEBYLEX ZSCAN
    LPUSH RPUSH LPOP RPOP LRANGE LLEN LTRIM LREM LINDEX LSET
    XADD XRANGE XREVRANGE XLEN XTRIM XDEL
""".split())


class ReadAfterWrite(Exception):
    """An event read a key that an earlier event of the same batch writes."""


def keys_of(args: tuple) -> tuple | None:
    """The keys a command names, or None when this table does not know the command."""
    name = str(args[0]).upper()
    if name in _FIRST_ARG:
        return args[1:2]
    if name in _SCRIPTS:
        return args[3:3 + int(args[2])]
    if name in _ALL_ARGS:
        return args[1:]
    if name == "MSET":
        return args[1::2]
    return None


class BatchPipe:
    def __init__(self, pipe):
        self.pipe = pipe
        self._commands: list[tuple[tuple, dict]] = []
        self.written: set = set()
        self._wrote_unknown = False
        self._watch_next: list[str] = []  # WATCHed with the next read, in the same round trip
        self.watched: set = set()
        self._planned: dict[tuple, object] = {}  # a planned read's command -> its answer, until read

    def read_all(self, watch: list[str], reads: list[tuple], planned: list[tuple] = ()) -> list:
        """WATCH `watch`, then `reads` and the `planned` reads, in one round trip; the answers to `reads`
        (a planned read that Redis refused is not kept: the handler's own read meets the error)."""
        commands = [("WATCH", *watch), *reads, *planned]
        if self.pipe.connection is None:  # the transaction's connection from here to its EXEC
            self.pipe.connection = self.pipe.connection_pool.get_connection()
        connection = self.pipe.connection
        connection.send_packed_command(connection.pack_commands(commands))
        answers = []
        for args in commands:  # every reply is taken off the connection, whatever came before
            try:
                answers.append(self.pipe.parse_response(connection, args[0]))
            except redis.ResponseError as exc:
                answers.append(exc)
        self.watched.update(watch)
        for answer in answers[:len(reads) + 1]:
            if isinstance(answer, Exception):
                raise answer
        for args, answer in zip(planned, answers[len(reads) + 1:]):
            if not isinstance(answer, Exception):
                self._planned[args] = answer
        return answers[1:len(reads) + 1]

    def for_event(self) -> "EventPipe":
        return EventPipe(self)

    def read(self, args: tuple, options: dict):
        if self.written or self._wrote_unknown:
            keys = keys_of(args)
            if self._wrote_unknown or not self.written.isdisjoint(args[1:] if keys is None else keys):
                raise ReadAfterWrite(str(args[0]))
        if args in self._planned:
            return self._planned.pop(args)
        if self._watch_next:
            return self._watch_and_read(args, options)
        return self.pipe.execute_command(*args, **options)

    def watch(self, keys: tuple) -> None:
        """A handler WATCHes a key, then reads it: two round trips a key, a handler's largest cost in
        a batch. The WATCH goes out with the next read instead, before it on the same connection,
        so every read still follows the WATCH of its key. A key watched already is not watched again."""
        self._watch_next += [key for key in keys if key not in self.watched]

    def _watch_and_read(self, args: tuple, options: dict):
        keys, self._watch_next = self._watch_next, []
        self.watched.update(keys)
        connection = self.pipe.connection  # pinned by the batch's first read (read_all)
        connection.send_packed_command(connection.pack_commands([("WATCH", *keys), args]))
        try:
            self.pipe.parse_response(connection, "WATCH")
        finally:  # the read's reply is taken off the connection whatever WATCH answered
            answer = self.pipe.parse_response(connection, args[0], **options)
        return answer

    def will_write(self, key: str) -> None:
        """A key the caller writes at the end of the batch: a later read of it splits the batch too."""
        self.written.add(key)

    def add(self, event_pipe: "EventPipe") -> None:
        """The event's writes join the batch (it ran to the end)."""
        for args, _ in event_pipe.queued:
            keys = keys_of(args)
            if keys is None:
                self._wrote_unknown = True
            else:
                self.written.update(keys)
        self._commands += event_pipe.queued

    def queue_on_pipe(self) -> bool:
        """MULTI and every collected write on the real pipe (its EXEC follows); False if nothing to write."""
        if self._watch_next:
            self.pipe.watch(*self._watch_next)
            self.watched.update(self._watch_next)
            self._watch_next = []
        if not self._commands:
            return False
        self.pipe.multi()
        for args, options in self._commands:
            self.pipe.execute_command(*args, **options)
        return True


class EventPipe(CoreCommands):
    """The pipe one event's handler sees (redis-py's command methods over `execute_command`)."""

    def __init__(self, batch: BatchPipe):
        self.batch = batch
        self.explicit_transaction = False
        self.queued: list[tuple[tuple, dict]] = []

    def watch(self, *names: str) -> None:
        if self.explicit_transaction:
            raise RuntimeError("WATCH after MULTI")
        self.batch.watch(names)

    def multi(self) -> None:
        if self.explicit_transaction:
            raise RuntimeError("MULTI twice")
        self.explicit_transaction = True

    def execute_command(self, *args, **options):
        if not self.explicit_transaction:
            return self.batch.read(args, options)
        self.queued.append((args, options))
        return self
