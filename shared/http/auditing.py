"""The request's side of the audit trail: the entry of a write (handed to the unit of work in the
CommandContext), audited reads, and the entry written after the response when no change committed it."""
from flask import g, request

from shared import clock
from shared.audit import AuditEntry, AuditTrail


def request_entry(action: str) -> dict | None:
    principal = g.get("principal")
    if principal is None:
        return None
    return {"at": clock.instant(), "sub": principal.sub, "role": principal.role, "action": action,
            "method": request.method, "path": request.path, "request_id": g.get("request_id"),
            "remote_addr": request.remote_addr}  # the client's address (shared.http.proxies)


def begin_write() -> None:
    """Before a write request: its entry, for the unit of work to commit with the change."""
    fields = request_entry("write")
    g.audit_entry = AuditEntry(fields) if fields else None


def mark_read(what: str) -> None:
    """Call from a view that returns a full client record: the read is audited too."""
    g.audit_read = what


def record(trail: AuditTrail, response) -> None:
    """After the response: audited reads, and writes whose entry did not commit with a change."""
    is_write = request.method not in ("GET", "HEAD", "OPTIONS")
    pending = g.get("audit_entry")
    if is_write and pending is not None and pending.committed and response.status_code < 300:
        return
    if not (is_write or g.get("audit_read")):
        return
    entry = request_entry(g.get("audit_read") or "write")
    if entry is None:
        return
    entry["status"] = response.status_code
    trail.append(entry)
