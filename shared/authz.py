"""Who may do what: the one authorization table, for all three services.

Every endpoint declares its action with `@requires(...)`; a test checks that no
endpoint is left without one. Scoping a partner to its own group is done by
each service on the records it returns (a partner only ever passes the table
for actions marked "scoped" below). README's "Access control" copies this table.
"""
from functools import wraps

from flask import g

from shared.errors import Forbidden

READ = "read"                          # groups, agreements, programs, sessions, enrollments
READ_CLIENTS = "read_clients"          # client records and their history
READ_EVENTS = "read_events"            # /events feeds, /asyncapi.json
READ_AUDIT = "read_audit"
WRITE_CLIENTS = "write_clients"        # register, correct, change status
WRITE_PARTNERS = "write_partners"      # groups, agreements, programs
WRITE_GUIDANCE = "write_guidance"      # enroll, schedule sessions, complete, withdraw
RECORD_ATTENDANCE = "record_attendance"
EXPORT_CLIENT = "export_client"
READ_REPORTS = "read_reports"          # laporan: monthly reports

PERMISSIONS: dict[str, frozenset] = {
    READ:              frozenset({"admin", "officer", "auditor", "partner"}),  # partner: own group only
    READ_CLIENTS:      frozenset({"admin", "officer", "auditor"}),
    READ_EVENTS:       frozenset({"admin", "officer", "auditor"}),
    READ_AUDIT:        frozenset({"admin", "auditor"}),
    WRITE_CLIENTS:     frozenset({"admin", "officer"}),
    WRITE_PARTNERS:    frozenset({"admin"}),
    WRITE_GUIDANCE:    frozenset({"admin", "officer"}),
    RECORD_ATTENDANCE: frozenset({"admin", "officer", "partner"}),  # partner: own programs' sessions only
    EXPORT_CLIENT:     frozenset({"admin"}),
    READ_REPORTS:      frozenset({"admin", "officer", "auditor"}),
}


def allowed(role: str, action: str) -> bool:
    return role in PERMISSIONS[action]


def requires(action: str):
    """Declare and enforce the action a view performs."""
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action {action!r}")

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            principal = g.principal
            if not allowed(principal.role, action):
                raise Forbidden(f"role {principal.role!r} may not {action.replace('_', ' ')}")
            return view(*args, **kwargs)

        guarded.bapas_action = action
        return guarded

    return decorate
