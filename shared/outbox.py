"""The outbox: events are staged in the same MULTI/EXEC as the change that caused them.

Each service has one Redis stream (`<service>:outbox`). It is the relay's work
queue and, kept for the retention period, the `/events` feed that late
subscribers and view rebuilds read.
"""
import json

from shared import envelope
from shared.catalog import Catalog
from shared.errors import NotFound
from shared.keys import BackboneKeys

# XADD then index the event id, atomically; queued inside the caller's MULTI.
_APPEND = """
local stream_id = redis.call('XADD', KEYS[1], '*', 'id', ARGV[1], 'type', ARGV[2], 'event', ARGV[3],
                                'correlationid', ARGV[4])
redis.call('HSET', KEYS[2], ARGV[1], stream_id)
return stream_id
"""


class Outbox:
    def __init__(self, client, *, service: str, region: str, catalog: Catalog):
        self.redis = client
        self.service = service
        self.region = region
        self.catalog = catalog
        self.keys = BackboneKeys(service)

    def stage(self, pipe, *, type: str, subject: str, sequence: int, data: dict,
              correlation_id: str) -> dict:
        """Queue one event on `pipe`, which must already be in MULTI mode."""
        event = envelope.build_event(
            region=self.region, service=self.service, type=type, subject=subject, sequence=sequence,
            data=self.catalog.validated(type, data), correlation_id=correlation_id,
            dataversion=self.catalog.get(type).dataversion)
        # EVAL with the script's text, not EVALSHA: inside MULTI a NOSCRIPT error (Redis restarted) would
        # fail only this command and let the record commit without its event; redis-py's Script would
        # instead ask SCRIPT EXISTS before every transaction, one round trip more per write.
        pipe.eval(_APPEND, 2, self.keys.outbox, self.keys.outbox_index,
                  event["id"], type, envelope.encode(event), correlation_id)
        return event

    def page(self, after: str | None, limit: int, types: set[str] | None = None):
        """Events after the event id `after` (oldest first) and the id to continue from, or None at the end."""
        texts, next_after = self.page_text(after, limit, types)
        return [json.loads(text) for text in texts], next_after

    def page_text(self, after: str | None, limit: int, types: set[str] | None = None):
        """`page` with each event as the JSON text the outbox stored (what the relay published), not parsed:
        the /events feed answers it as it is."""
        start = "-"
        if after:
            stream_id = self.redis.hget(self.keys.outbox_index, after)
            if stream_id is None:
                raise NotFound(f"event {after} is not in this feed (unknown, or older than the retention period)")
            start = "(" + stream_id
        items, last_seen = [], None
        while len(items) < limit:
            entries = self.redis.xrange(self.keys.outbox, min=start, count=max(limit, 100))
            if not entries:
                return items, None
            for stream_id, fields in entries:
                start, last_seen = "(" + stream_id, fields["id"]
                if types is None or fields["type"] in types:
                    items.append(fields["event"])
                    if len(items) == limit:
                        break
        more = self.redis.xrange(self.keys.outbox, min=start, count=1)
        return items, (last_seen if more else None)
