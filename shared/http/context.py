"""The CommandContext of the current request: who (token sub), which role and group, which correlation
id, and the audit entry of a write (committed by the unit of work with the change)."""
from flask import g

from shared.context import CommandContext


def command_context(answers: int = 200) -> CommandContext:
    """`answers`: the status a write answers when its change commits (201 for a creation), kept in the
    audit entry the unit of work commits with the change."""
    principal = g.principal
    entry = g.get("audit_entry")
    if entry is not None:
        entry.status = answers
    return CommandContext(actor=principal.sub, role=principal.role, group_id=principal.group_id,
                          correlation_id=g.correlation_id, audit=entry)
