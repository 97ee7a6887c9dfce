"""A partner group sees and touches only its own group's records (the contract's partner row), and
cannot probe what exists: a record of another group and a missing one are the same 403."""
from typing import Callable

from shared.errors import Forbidden, NotFound

NOT_YOURS = "this record does not belong to your group"


def check_own_group(group_id: str | None, ctx) -> None:
    if ctx.role == "partner" and group_id != ctx.group_id:
        raise Forbidden(NOT_YOURS)


def owned(load: Callable[[], dict], ctx, group_of: Callable[[dict], str | None] = lambda r: r["group_id"]) -> dict:
    """The record `load()` returns (NotFound if none), if `ctx` may see it; for a partner, a missing
    record is a 403 like another group's."""
    try:
        record = load()
    except NotFound:
        if ctx.role == "partner":
            raise Forbidden(NOT_YOURS) from None
        raise
    check_own_group(group_of(record), ctx)
    return record


def group_filter(asked: str | None, ctx) -> str | None:
    """The group a list is confined to: the one asked for, or a partner's own (asking for another is 403)."""
    if ctx.role != "partner":
        return asked
    if asked is not None and asked != ctx.group_id:
        raise Forbidden("a partner may list only its own group's records")
    if ctx.group_id is None:
        raise Forbidden("this partner token names no group")
    return ctx.group_id
