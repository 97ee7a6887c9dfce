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
handlers' own reads of the same command and key are answered from there (every event's: pokmas's
events of one batch read the same agreement), not by a round trip of their own; once an event of the
batch writes the key, a read of it splits the batch as any read does. Its keys being watched before they were read, a change by anyone else fails the EXEC and
the whole batch is run again, as for any read.
"""
import redis
from redis.commands.core import CoreCommands
from redis.connection import HiredisRespSerializer

try:
    from hiredis import pack_command
except ImportError:  # redis-py packs without it
    pack_command = None

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
        self._planned: dict[tuple, object] = {}  # a planned read's command -> its answer

    def read_all(self, watch: list[str], reads: list[tuple], planned: list[tuple] = ()) -> list:
        """WATCH `watch`, then `reads` and the `planned` reads, in one round trip; the answers to `reads`
        (a planned read that Redis refused is not kept: the handler's own read meets the error). `reads`
        get Redis's replies as they are (no response callback: MGET, GET); planned ones as redis-py's
        methods give them, as the handler's own read would."""
        commands = [("WATCH", *watch), *reads, *planned]
        connection = self._connection()
        self.watched.update(watch)
        self.pipe.watching = True  # a connection lost from here on fails the attempt (WatchError), never retried blind
        answers = []
        try:
            connection.send_packed_command(_packed(connection, commands))
            for index, args in enumerate(commands):  # every reply is taken off the connection, whatever came before
                try:
                    answers.append(self.pipe.parse_response(connection, args[0]) if index > len(reads)
                                   else connection.read_response())
                except redis.ResponseError as exc:
                    answers.append(exc)
        except (redis.ConnectionError, redis.TimeoutError):
            self._lost(connection)
            raise
        for answer in answers[:len(reads) + 1]:
            if isinstance(answer, Exception):
                raise answer
        for args, answer in zip(planned, answers[len(reads) + 1:]):
            if not isinstance(answer, Exception):
                self._planned[args] = answer
        return answers[1:len(reads) + 1]

    def _lost(self, connection) -> None:
        """A connection that failed mid-exchange is closed (its WATCHes die with it) and not used again."""
        connection.disconnect()
        self.pipe.watching = False

    def _connection(self):
        """The transaction's connection, from its first read to its EXEC (released by the pipe's reset)."""
        if self.pipe.connection is None:
            self.pipe.connection = self.pipe.connection_pool.get_connection()
        return self.pipe.connection

    def for_event(self) -> "EventPipe":
        return EventPipe(self)

    def read(self, args: tuple, options: dict):
        if self.written or self._wrote_unknown:
            keys = keys_of(args)
            if self._wrote_unknown or not self.written.isdisjoint(args[1:] if keys is None else keys):
                raise ReadAfterWrite(str(args[0]))
        if args in self._planned:  # every event's read of it: a key the batch writes has raised above
            return _copy(self._planned[args])
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
        connection.send_packed_command(_packed(connection, [("WATCH", *keys), args]))
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

    def execute(self) -> bool:
        """MULTI, every collected write and EXEC in one round trip; False if there was nothing to write.
        Redis's replies are read as they are (the writes' answers are not used): redis-py's transaction
        path ran a response callback and a few dict lookups per command. EXEC's nil (a watched key
        changed) or a connection lost once EXEC may have been sent raises WatchError: the attempt is run
        again and finds the batch's inbox marks if the EXEC was applied after all."""
        if not self._commands:  # the pipe's reset sends UNWATCH
            return False
        connection = self._connection()
        commands = [("MULTI",), *(args for args, _ in self._commands), ("EXEC",)]
        try:
            connection.send_packed_command(_packed(
                connection, [("WATCH", *self._watch_next), *commands] if self._watch_next else commands))
            replies = []
            for _ in range(len(commands) + (1 if self._watch_next else 0)):
                try:
                    replies.append(connection.read_response())
                except redis.ResponseError as exc:
                    replies.append(exc)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            self._lost(connection)
            raise redis.WatchError(f"the connection was lost during EXEC ({exc}): the attempt is run again") from exc
        self.pipe.watching = False
        executed = replies[-1]
        if executed is None:
            raise redis.WatchError("a watched key changed")
        errors = [reply for reply in replies[:-1] if isinstance(reply, redis.ResponseError)]
        if isinstance(executed, redis.ResponseError):  # EXECABORT: a command was refused when queued
            raise errors[0] if errors else executed
        failed = next((reply for reply in executed if isinstance(reply, redis.ResponseError)), None)
        if failed is not None:
            raise failed
        return True


def _packed(connection, commands: list[tuple]):
    """The commands in Redis's protocol, for one write to the socket. With hiredis, packed by it directly:
    redis-py's pack_commands costs about four times as much a command (its chunking for large values, a
    name split on spaces: the names here have none)."""
    if pack_command is None or not isinstance(connection._command_packer, HiredisRespSerializer):
        return connection.pack_commands(commands)
    try:
        return [b"".join([pack_command(args) for args in commands])]
    except TypeError as exc:  # an argument hiredis cannot send, as redis-py reports it
        raise redis.DataError(str(exc)) from exc


def _copy(answer):
    """A planned answer for one more reader: a dict or list of its own (a handler may change what it got)."""
    return answer.copy() if isinstance(answer, (dict, list, set)) else answer


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
