"""The unit of work: one optimistic Redis transaction per use case (WATCH, read, MULTI, write, EXEC).

A use case is a function of a Transaction:

    def work(tx):
        client = tx.clients.get(client_id)        # repositories read through tx (keys watched)
        updated, events = domain.correct(client, changes, ctx)
        tx.clients.save(client, updated)          # repositories queue their writes on tx
        tx.commit(ctx, events)                    # record, indexes, history, outbox and audit: one MULTI/EXEC

    uow.run(work, *keys_to_watch)                 # retried from the start when a watched key changed

`commit` queues the repositories' writes, the events (validated by the catalog) and the request's
audit entry (ctx.audit) in MULTI; EXEC follows when `work` returns. A `work` that raises, or never
commits, writes nothing. Consumed events reuse the same Transaction on the Applier's pipe
(`on(pipe)`), so a handler's effect commits with its inbox mark. Tests use tests/unit/fakes.py.
"""
from typing import Callable

from shared import audit, replication
from shared.catalog import Event
from shared.records import load
from shared.redis_tx import transact


class Transaction:
    """One attempt of one transaction; repositories are attributes (tx.clients, tx.enrollments, ...)."""

    def __init__(self, pipe, outbox, repositories: dict[str, Callable], *, writable: bool = True):
        self.pipe = pipe
        self._outbox = outbox
        self._writable = writable
        self._writes: list[Callable] = []
        self._committed = False
        self.audit_entry = None
        for name, repository in repositories.items():
            setattr(self, name, repository(self))

    def watch(self, *keys: str) -> None:
        """Watch keys about to be read (a no-op for queries outside a transaction)."""
        if keys and self._writable:
            self.pipe.watch(*keys)

    def read(self, key: str) -> dict | None:
        self.watch(key)
        return load(self.pipe, key)

    def read_together(self, *commands: tuple) -> list:
        """The replies to several reads (argument tuples, e.g. ("MGET", k1, k2), ("HLEN", k)) sent in one
        round trip with the keys watched so far; watch the keys read first (`watch`)."""
        if hasattr(self.pipe, "read_together"):
            return self.pipe.read_together(list(commands))
        if not self._writable and hasattr(self.pipe, "pipeline"):  # a query: nothing watched, one round trip
            with self.pipe.pipeline(transaction=False) as reads:
                for command in commands:
                    reads.execute_command(*command)
                return reads.execute()
        return [self.pipe.execute_command(*command) for command in commands]

    def queue(self, write: Callable) -> None:
        """A repository's write, run on the pipe (in MULTI) at commit; once committed, queued in MULTI at once."""
        if self._committed:
            write(self.pipe)
        else:
            self._writes.append(write)

    def commit(self, ctx=None, events: list[Event] = ()) -> list[dict]:
        """Queue the writes, the events and the audit entry in MULTI; returns the events' envelopes. Without
        `ctx` (a write that is no request's change, e.g. a refusal kept under its Idempotency-Key): the writes only."""
        if not self._writable:
            raise RuntimeError("a query cannot commit; use UnitOfWork.run")
        self.pipe.multi()
        self._committed = True
        for write in self._writes:
            write(self.pipe)
        self._writes.clear()
        if ctx is None:
            return []
        staged = [self._outbox.stage(self.pipe, type=event.type, subject=event.subject, sequence=event.sequence,
                                     data=event.data, correlation_id=ctx.correlation_id) for event in events]
        if ctx.audit is not None:
            audit.stage(self.pipe, self._outbox.service, ctx.audit, events[0].subject if events else None)
            self.audit_entry = ctx.audit
        return staged


class UnitOfWork:
    def __init__(self, runtime, **repositories: Callable):
        self.redis = runtime.redis
        self.outbox = runtime.outbox
        self.repositories = repositories

    def run(self, work: Callable, *watch: str):
        """Run `work(tx)` until EXEC succeeds; its return value is the use case's answer."""
        last = {}

        def attempt(pipe):
            last["tx"] = Transaction(pipe, self.outbox, self.repositories)
            return work(last["tx"])

        result = transact(self.redis, attempt, *watch)
        replication.confirm(self.redis)  # no 2xx for a write a failover could lose
        if last["tx"].audit_entry is not None:
            last["tx"].audit_entry.committed = True
        return result

    def query(self, work: Callable):
        """Run a read-only `work(tx)` on the plain connection (nothing watched, no commit)."""
        return work(Transaction(self.redis, self.outbox, self.repositories, writable=False))

    def on(self, pipe) -> Transaction:
        """A Transaction on a pipe someone else executes (the Applier's, for consumed events)."""
        return Transaction(pipe, self.outbox, self.repositories)
