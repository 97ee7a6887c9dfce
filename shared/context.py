"""Who is acting and why: passed from the entrypoint into the use cases and the domain."""
from dataclasses import dataclass, field

from shared import clock
from shared.audit import AuditEntry


@dataclass(frozen=True)
class CommandContext:
    actor: str                      # the token's sub, kept as *_by
    role: str
    correlation_id: str
    group_id: str | None = None     # a partner's own group
    at: str = field(default_factory=clock.instant)   # kept as *_at
    audit: AuditEntry | None = None  # a write request's entry, committed with its change


def system_context(service: str, correlation_id: str) -> CommandContext:
    """For what a worker does by itself (reactions, expiry)."""
    return CommandContext(actor=f"system:{service}", role="system", correlation_id=correlation_id)
