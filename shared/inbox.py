"""Applying a consumed event exactly once in effect, however often it is delivered.

The handler's writes, the event id (inbox) and the subject's applied `sequence`
are committed in one MULTI/EXEC. A redelivered event finds its id and changes
nothing; an event older than what was applied for its subject changes nothing.
Because events carry the aggregate's state, applying the newest one wins.

A handler is `handler(pipe, event)`: it reads with `pipe` (keys watched), may
watch more keys, then calls `pipe.multi()` and queues its writes (and, for
reactions, stages its own service's outbox events on the same pipe).
"""
from typing import Callable

from shared import replication
from shared.keys import BackboneKeys
from shared.redis_tx import transact

Handler = Callable[[object, dict], None]
INBOX_TTL_SECONDS = 30 * 24 * 3600

APPLIED, DUPLICATE, STALE = "applied", "duplicate", "stale"


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
