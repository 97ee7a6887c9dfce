"""Applying a consumed event exactly once in effect, however often it is delivered.

The handler's writes, the event id (inbox) and the subject's applied `sequence`
are committed in one MULTI/EXEC. A redelivered event finds its id and changes
nothing; an event older than what was applied for its subject changes nothing.
Because events carry the aggregate's state, applying the newest one wins.

A handler is `handler(pipe, event)`: it reads with `pipe` (keys watched), may
watch more keys, then calls `pipe.multi()` and queues its writes (and, for
reactions, stages its own service's outbox events on the same pipe).

A batch (`apply_batch`) commits several events in one MULTI/EXEC, one fsync, with the same checks:
every inbox mark and applied sequence of the batch is read at once (watched), an id seen earlier
in the batch is a duplicate, an applied sequence set earlier in the batch counts as applied, and
each handler runs on its own view of the pipe (shared/batch_pipe.py) in delivery order.
"""
from collections import Counter
from typing import Callable

import redis

from shared import replication
from shared.batch_pipe import BatchPipe, ReadAfterWrite, keys_of
from shared.keys import BackboneKeys
from shared.errors import Conflict
from shared.redis_tx import MAX_ATTEMPTS, transact

Handler = Callable[[object, dict], None]
INBOX_TTL_SECONDS = 30 * 24 * 3600

APPLIED, DUPLICATE, STALE = "applied", "duplicate", "stale"
# EVAL with the text, not EVALSHA, for the reason shared/outbox.py gives.
_MARK_INBOX = "for _, key in ipairs(KEYS) do redis.call('SET', key, '1', 'EX', ARGV[1]) end"


class EventFailed(Exception):
    """An event's handler raised inside a batch. The events before it that are committed have their
    `outcomes`; `index` is the failed one's place in the batch; nothing after the commit is kept."""

    def __init__(self, index: int, error: Exception):
        super().__init__(f"event {index} of the batch failed: {error}")
        self.index, self.error, self.outcomes = index, error, []


class Applier:
    def __init__(self, client, *, service: str, handlers: dict[str, Handler]):
        self.redis = client
        self.handlers = handlers
        self.keys = BackboneKeys(service)

    def handles(self, event_type: str) -> bool:
        return event_type in self.handlers

    def apply(self, event: dict, *, replay: bool = False) -> str:
        """Apply `event`; `replay=True` (view rebuilds) skips the inbox check but keeps the order check."""
        handler = self.handlers[event["type"]]
        inbox_key = self.keys.inbox(event["id"])
        applied_key = self.keys.applied(event["subject"])
        sequence = int(event["sequence"])

        def work(pipe):
            if not replay and pipe.exists(inbox_key):
                return DUPLICATE
            applied = pipe.get(applied_key)
            if applied is not None and int(applied) > sequence:
                pipe.multi()
                pipe.set(inbox_key, "1", ex=INBOX_TTL_SECONDS)
                pipe.hincrby(self.keys.stats, "stale", 1)
                return STALE
            handler(pipe, event)
            if not pipe.explicit_transaction:
                pipe.multi()
            pipe.set(inbox_key, "1", ex=INBOX_TTL_SECONDS)
            pipe.set(applied_key, sequence)
            # Counted in the same transaction: one round trip (and one fsync) less per event.
            pipe.hincrby(self.keys.stats, "consumed", 1)
            return APPLIED

        outcome = transact(self.redis, work, inbox_key, applied_key)
        # Before the message is acked, also for a duplicate: its first application may be the one
        # that a replica has not confirmed yet.
        replication.confirm(self.redis)
        return outcome

    def apply_batch(self, events: list[dict]) -> list[str]:
        """Apply `events` in delivery order, in as few transactions as their keys allow (one unless an
        event reads what an earlier one of the batch writes); each one's outcome, in order."""
        outcomes: list[str] = []
        while len(outcomes) < len(events):
            try:
                outcomes += self._apply_prefix(events[len(outcomes):])
            except EventFailed as failed:
                failed.index += len(outcomes)
                failed.outcomes = outcomes
                if outcomes:  # the committed head is acked: a replica must have it first
                    replication.confirm(self.redis)
                raise
        # Before the batch is acked, duplicates included: their first application may be the one a
        # replica has not confirmed yet.
        replication.confirm(self.redis)
        return outcomes

    def unmarked(self, items: list) -> list:
        """Those of `items` (feed items: events not yet checked) whose id has no inbox mark, in order, in one
        MGET; an item without a string id is kept, for the envelope's check to refuse. A feed catch-up's
        page came by the broker already, nearly all of it: its transaction would watch and read every
        event's inbox mark and every read its handler plans, for events it then drops. The marks are read
        here, not watched (an inbox mark is never taken back while the inbox keeps it); `apply_batch`
        checks the rest again in its transaction."""
        ids = [item.get("id") if isinstance(item, dict) else None for item in items]
        named = [(n, i) for n, i in enumerate(ids) if isinstance(i, str)]
        marks = self.redis.mget([self.keys.inbox(i) for _, i in named]) if named else []
        marked = {n for (n, _), mark in zip(named, marks) if mark is not None}
        return [item for n, item in enumerate(items) if n not in marked]

    def _apply_prefix(self, events: list[dict]) -> list[str]:
        """One transaction for the longest head of `events` that reads nothing the head writes."""
        inbox_keys = [self.keys.inbox(event["id"]) for event in events]
        applied_keys = list(dict.fromkeys(self.keys.applied(event["subject"]) for event in events))

        planned = self._planned_reads(events)

        def work(pipe):
            batch = BatchPipe(pipe)
            # One round trip: the inbox marks and the applied sequences (one MGET), the handlers' planned reads.
            watch = [*inbox_keys, *applied_keys, *_keys_read(planned)]
            (found,) = batch.read_all(watch, [("MGET", *inbox_keys, *applied_keys)], planned)
            inbox = dict(zip(inbox_keys, found))
            applied = dict(zip(applied_keys, found[len(inbox_keys):]))
            marks: dict[str, int] = {}  # applied key -> sequence, written with the inbox marks at the end
            outcomes: list[str] = []
            for event, inbox_key in zip(events, inbox_keys):
                try:
                    outcomes.append(self._apply_in(batch, event, inbox_key, inbox, applied, marks))
                except ReadAfterWrite:
                    if not outcomes:
                        raise  # cannot be: nothing is written before the first event
                    break
                except (redis.ConnectionError, redis.TimeoutError):
                    raise
                except Exception as exc:
                    raise EventFailed(len(outcomes), exc) from exc
            marked = [key for key, outcome in zip(inbox_keys, outcomes) if outcome != DUPLICATE]
            self._queue_marks(batch, marked, marks, Counter(outcomes))
            batch.execute()
            return outcomes

        return self._transact(work)

    def _transact(self, work):
        """`shared.redis_tx.transact` without its commit marker (one round trip less a batch): the batch's
        inbox marks are one. Every EXEC marks each event of it that is not a duplicate, so an attempt
        after an EXEC whose answer was lost (BatchPipe.execute raises WatchError then) finds them and
        commits nothing; an EXEC that arrives late fails the attempt's WATCH of them."""
        for _ in range(MAX_ATTEMPTS):
            with self.redis.pipeline(transaction=True) as pipe:
                try:
                    return work(pipe)
                except redis.WatchError:
                    continue
        raise Conflict("the events' keys changed too often while the batch was being applied")

    def _planned_reads(self, events: list[dict]) -> list[tuple]:
        """The reads the events' handlers say they make (`handler.reads(event)`: (command, key) tuples of
        one-key reads). A plan is a hint: one that fails (data the handler will refuse) plans nothing."""
        planned: dict[tuple, None] = {}
        for event in events:
            plan = getattr(self.handlers.get(event["type"]), "reads", None)
            try:
                planned.update(dict.fromkeys(plan(event) if plan is not None else ()))
            except Exception:  # the handler itself names what is wrong with the event
                continue
        return list(planned)

    def _apply_in(self, batch: BatchPipe, event: dict, inbox_key: str, inbox: dict, applied: dict,
                  marks: dict) -> str:
        if inbox[inbox_key] is not None:
            return DUPLICATE
        applied_key = self.keys.applied(event["subject"])
        sequence = int(event["sequence"])
        outcome = STALE
        if applied[applied_key] is None or int(applied[applied_key]) <= sequence:
            pipe = batch.for_event()
            self.handlers[event["type"]](pipe, event)
            batch.add(pipe)
            applied[applied_key] = marks[applied_key] = sequence
            batch.will_write(applied_key)
            outcome = APPLIED
        inbox[inbox_key] = "1"
        batch.will_write(inbox_key)
        return outcome

    def _queue_marks(self, batch: BatchPipe, inbox_keys: list[str], marks: dict, counts: Counter) -> None:
        """The batch's inbox marks, applied sequences and counts: a few commands, not a few per event."""
        pipe = batch.for_event()
        pipe.multi()
        if len(inbox_keys) == 1:  # a script costs Redis more than the one SET it would make
            pipe.set(inbox_keys[0], "1", ex=INBOX_TTL_SECONDS)
        elif inbox_keys:
            pipe.eval(_MARK_INBOX, len(inbox_keys), *inbox_keys, INBOX_TTL_SECONDS)
        if marks:
            pipe.mset(marks)
        for outcome, counter in ((APPLIED, "consumed"), (STALE, "stale")):
            if counts[outcome]:
                pipe.hincrby(self.keys.stats, counter, counts[outcome])
        batch.add(pipe)


def _keys_read(planned: list[tuple]) -> dict:
    """The keys the planned reads name (an HGET's field is no key to watch); every argument of a command
    the key table does not know, which watches too much rather than too little."""
    keys = {}
    for args in planned:
        named = keys_of(args)
        keys.update(dict.fromkeys(args[1:] if named is None else named))
    return keys
