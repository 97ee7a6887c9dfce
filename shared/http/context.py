"""The CommandContext of the current request: who (token sub), which role and group, which correlation
id, and the audit entry of a write (committed by the unit of work with the change)."""
from flask import g

from shared.context import CommandContext


def command_context() -> CommandContext:
    principal = g.principal
    return CommandContext(actor=principal.sub, role=principal.role, group_id=principal.group_id,
                          correlation_id=g.correlation_id, audit=g.get("audit_entry"))
