"""A partner group sees and touches only its own group's records (the contract's partner row)."""
from shared.errors import Forbidden


def check_own_group(group_id: str | None, ctx) -> None:
    if ctx.role == "partner" and group_id != ctx.group_id:
        raise Forbidden("this record belongs to another group")


def group_filter(asked: str | None, ctx) -> str | None:
    """The group a list is confined to: the one asked for, or a partner's own (asking for another is 403)."""
    if ctx.role != "partner":
        return asked
    if asked is not None and asked != ctx.group_id:
        raise Forbidden("a partner may list only its own group's records")
    if ctx.group_id is None:
        raise Forbidden("this partner token names no group")
    return ctx.group_id
