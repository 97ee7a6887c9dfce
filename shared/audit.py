"""The audit trail: every write and every read of a full client record, with who, when, what
and from where, in an append-only Redis stream per service.

Entries are hash-chained (each carries the SHA-1 of the previous entry's hash and its own
content, computed inside Redis so concurrent requests cannot interleave), so an entry
altered or removed by anyone with Redis access breaks the chain that `verify` checks.
No endpoint changes or deletes entries; admin and auditor may read them.

A write request's entry is committed in the same MULTI/EXEC as the change it made (the outbox
stages it with the change's first event): a change is never kept without its audit entry, and
it costs no second write. Requests that changed nothing (refused, invalid, a no-op) get their
entry, with the answer's status, after the response.
"""
import contextvars
import hashlib
import json

from flask import g, request

from shared import clock

LAST_STREAM_ID = f"{2 ** 64 - 1}-{2 ** 64 - 1}"
AUDIT_FIELDS = ("at", "sub", "role", "action", "method", "path", "status", "request_id", "remote_addr")

_APPEND = """
local previous = redis.call('GET', KEYS[2]) or ''
local digest = redis.sha1hex(previous .. ARGV[1])
redis.call('XADD', KEYS[1], '*', 'entry', ARGV[1], 'prev', previous, 'hash', digest)
redis.call('SET', KEYS[2], digest)
return digest
"""


# This request's write entry: {"entry": {...}, "staged": bool}; None outside write requests.
_pending = contextvars.ContextVar("audit_pending", default=None)


def begin_write(entry: dict | None) -> None:
    _pending.set({"entry": entry, "staged": False} if entry else None)


def stage_with_change(pipe, service: str) -> None:
    """Queue the current request's entry on `pipe` (in MULTI) once per transaction attempt."""
    pending = _pending.get()
    if pending is None or getattr(pipe, "bapas_audited", False):
        return
    entry = {**pending["entry"], "status": None, "outcome": "committed"}
    pipe.eval(_APPEND, 2, stream_key(service), head_key(service), json.dumps(entry, sort_keys=True))
    pipe.bapas_audited = True
    pending["staged"] = True


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

    @staticmethod
    def request_entry(action: str) -> dict | None:
        principal = g.get("principal")
        if principal is None:
            return None
        return {"at": clock.instant(), "sub": principal.sub, "role": principal.role, "action": action,
                "method": request.method, "path": request.path, "request_id": g.get("request_id"),
                "remote_addr": request.remote_addr}  # the client's address (shared.http.proxies)

    def record(self, response) -> None:
        """After the response: audited reads, and writes whose entry did not commit with a change."""
        pending = _pending.get()
        _pending.set(None)
        is_write = request.method not in ("GET", "HEAD", "OPTIONS")
        if is_write and pending and pending["staged"] and response.status_code < 300:
            return
        if not (is_write or g.get("audit_read")):
            return
        entry = self.request_entry(g.get("audit_read") or "write")
        if entry is None:
            return
        entry["status"] = response.status_code
        self._append(keys=[stream_key(self.service), head_key(self.service)],
                     args=[json.dumps(entry, sort_keys=True)])

    def page(self, after: str | None, limit: int) -> tuple[list[dict], str | None]:
        if after == LAST_STREAM_ID:  # nothing can come after it, and Redis refuses it as an exclusive start
            return [], None
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
