"""The audit trail: every write and every read of a full client record, with who, when, what
and from where, in an append-only Redis stream per service.

Entries are hash-chained (each carries the SHA-1 of the previous entry's hash and its own
content, computed inside Redis so concurrent requests cannot interleave), so an entry
altered or removed by anyone with Redis access breaks the chain that `verify` checks.
No endpoint changes or deletes entries; admin and auditor may read them.
"""
import hashlib
import json

from flask import g, request

from shared import clock

AUDIT_FIELDS = ("at", "sub", "role", "action", "method", "path", "status", "request_id", "remote_addr")

_APPEND = """
local previous = redis.call('GET', KEYS[2]) or ''
local digest = redis.sha1hex(previous .. ARGV[1])
redis.call('XADD', KEYS[1], '*', 'entry', ARGV[1], 'prev', previous, 'hash', digest)
redis.call('SET', KEYS[2], digest)
return digest
"""


def stream_key(service: str) -> str:
    return f"{service}:audit"


def head_key(service: str) -> str:
    return f"{service}:audit:head"


def mark_read(what: str) -> None:
    """Call from a view that returns a full client record: the read is audited too."""
    g.audit_read = what


class AuditTrail:
    def __init__(self, client, service: str):
        self.redis = client
        self.service = service
        self._append = client.register_script(_APPEND)

    def record(self, response) -> None:
        principal = g.get("principal")
        is_write = request.method not in ("GET", "HEAD", "OPTIONS")
        if principal is None or not (is_write or g.get("audit_read")):
            return
        entry = {"at": clock.instant(), "sub": principal.sub, "role": principal.role,
                 "action": g.get("audit_read") or "write", "method": request.method, "path": request.path,
                 "status": response.status_code, "request_id": g.get("request_id"),
                 "remote_addr": request.headers.get("X-Forwarded-For", request.remote_addr)}
        self._append(keys=[stream_key(self.service), head_key(self.service)],
                     args=[json.dumps(entry, sort_keys=True)])

    def page(self, after: str | None, limit: int) -> tuple[list[dict], str | None]:
        start = "(" + after if after else "-"
        entries = self.redis.xrange(stream_key(self.service), min=start, count=limit + 1)
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
