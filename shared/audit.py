"""The audit trail: every write and every read of a full client record, with who, when, what
and from where, in an append-only Redis stream per service.

Entries are hash-chained (each carries the SHA-1 of the previous entry's hash and its own
content, computed inside Redis so concurrent requests cannot interleave), so an entry
altered or removed by anyone with Redis access breaks the chain that `verify` checks.
No endpoint changes or deletes entries; admin and auditor may read them.

A write request's entry travels in its CommandContext to the unit of work, which commits it in
the same MULTI/EXEC as the change it made: a change is never kept without its audit entry, and
it costs no second write. Requests that changed nothing (refused, invalid, a no-op) get their
entry, with the answer's status, after the response (shared/http/auditing.py).
Nothing here imports Flask: the worker's publishing path does not need the HTTP layer.
"""
import hashlib
import json
from dataclasses import dataclass

from shared import jsontext

LAST_STREAM_ID = f"{2 ** 64 - 1}-{2 ** 64 - 1}"

_APPEND = """
local previous = redis.call('GET', KEYS[2]) or ''
local digest = redis.sha1hex(previous .. ARGV[1])
redis.call('XADD', KEYS[1], '*', 'entry', ARGV[1], 'prev', previous, 'hash', digest)
redis.call('SET', KEYS[2], digest)
return digest
"""


@dataclass
class AuditEntry:
    """A write request's entry: `status` is what the request answers once its change commits (the
    route says so); `committed` is set once it was committed with the change."""
    fields: dict
    status: int = 200
    committed: bool = False


def stage(pipe, service: str, entry: AuditEntry, resource_id: str | None = None) -> None:
    """Queue `entry` on `pipe` (in MULTI), as committed with the change in the same transaction; the
    resource is the one the request names, else the one the change made (its first event's subject)."""
    content = {**entry.fields, "status": entry.status, "outcome": "committed",
               "resource_id": entry.fields.get("resource_id") or resource_id}
    pipe.eval(_APPEND, 2, stream_key(service), head_key(service), jsontext.dumps(content, sort_keys=True))


def stream_key(service: str) -> str:
    return f"{service}:audit"


def head_key(service: str) -> str:
    return f"{service}:audit:head"


class AuditTrail:
    def __init__(self, client, service: str):
        self.redis = client
        self.service = service
        self._append = client.register_script(_APPEND)

    def append(self, entry: dict) -> None:
        self._append(keys=[stream_key(self.service), head_key(self.service)], args=[jsontext.dumps(entry, sort_keys=True)])

    def page(self, after: str | None, limit: int, newest_first: bool = False) -> tuple[list[dict], str | None]:
        """Entries after `after` in reading order: oldest first, or newest first (then `after` is the
        oldest entry the reader has, and the page holds the ones before it)."""
        if newest_first:
            if after == "0-0":       # nothing is older, and Redis refuses it as an exclusive end
                return [], None
            end = "(" + after if after else "+"
            entries = self.redis.xrevrange(stream_key(self.service), max=end, count=limit + 1)
        elif after == LAST_STREAM_ID:  # nothing can come after it, and Redis refuses it as an exclusive start
            return [], None
        else:
            entries = self.redis.xrange(stream_key(self.service), min="(" + after if after else "-", count=limit + 1)
        items = [{"id": stream_id, **json.loads(fields["entry"]), "hash": fields["hash"]}
                 for stream_id, fields in entries[:limit]]
        return items, (items[-1]["id"] if len(entries) > limit else None)


def verify(client, service: str) -> tuple[int, str | None]:
    """Walk the chain; return (entries checked, id of the first broken entry or None)."""
    previous, checked, start = "", 0, "-"
    while True:
        entries = client.xrange(stream_key(service), min=start, count=1000)
        if not entries:
            break
        for stream_id, fields in entries:
            expected = hashlib.sha1((previous + fields["entry"]).encode()).hexdigest()
            if fields["prev"] != previous or fields["hash"] != expected:
                return checked, stream_id
            previous, checked, start = fields["hash"], checked + 1, "(" + stream_id
    head = client.get(head_key(service)) or ""
    return checked, (None if head == previous else "head")
