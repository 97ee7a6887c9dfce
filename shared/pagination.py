"""Cursor pagination over Redis sorted sets kept in lexicographic order.

An index member is "<sort key>\0|<id>" with score 0, so ZRANGEBYLEX pages are
stable under inserts and cost O(log n + limit) whatever the number of records.
Cursors are opaque to clients (urlsafe base64 of the last member returned).
"""
import base64
import binascii
import re
from itertools import combinations
from urllib.parse import quote

from marshmallow import RAISE, Schema, fields, validate

from shared.errors import Invalid

DEFAULT_LIMIT, MAX_LIMIT = 50, 500
# Query arguments of a list: a parameter the path does not know is 422 naming it (a filter ignored
# silently shows a PK the wrong list): @blp.arguments(Filter, **QUERY).
QUERY = {"location": "query", "unknown": RAISE}


class PageArgs(Schema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(load_default=None, validate=validate.Length(max=512))


def page_schema(item_schema, name: str):
    """Response schema {"items": [...], "next_cursor": str | null} for `item_schema`."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema), required=True),
        "next_cursor": fields.String(allow_none=True, required=True),
    }, name=name)


def encode_cursor(member: str) -> str:
    return base64.urlsafe_b64encode(member.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        member = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        member = ""
    if "|" not in member:
        raise Invalid({"cursor": ["not a cursor this service issued; use next_cursor from the previous page"]})
    return member


def sort_key_range(low: str | None, high: str | None) -> tuple[str, str]:
    """ZRANGEBYLEX bounds of the members whose sort key is at least `low` and below `high`."""
    return ("[" + low if low else "-"), ("(" + high if high else "+")


def index_member(sort_key: str, record_id: str) -> str:
    # NUL ends the sort key, so "Yayasan A" sorts before "Yayasan A B" and "Yayasan Aa"
    # ("|" would sort after the space and every letter).
    return f"{sort_key}\0|{record_id}"


def member_id(member: str) -> str:
    return member.rsplit("|", 1)[1]


def member_sort_key(member: str) -> str:
    return member.rsplit("|", 1)[0].removesuffix("\0")


def lex_page(client, key: str, cursor: str | None, limit: int, low: str = "-",
             high: str = "+") -> tuple[list[str], str | None]:
    """Ids of one page of the index `key` after `cursor` (within the ZRANGEBYLEX bounds `low` and
    `high`: sort keys from `low`, before `high`), and the next cursor (None on the last page)."""
    start = "(" + decode_cursor(cursor) if cursor else low
    members = client.zrangebylex(key, start, high, start=0, num=limit + 1)
    more = len(members) > limit
    members = members[:limit]
    next_cursor = encode_cursor(members[-1]) if more and members else None
    return [member_id(m) for m in members], next_cursor


# What quote(text, safe="") leaves as it is (its always-safe characters): ids and statuses, which need no call.
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]*")


def _encoded(name: str, value) -> str:
    text = str(value)
    return f"{name}={text if _UNQUOTED.fullmatch(text) else quote(text, safe='')}"


def filter_index(prefix: str, kind: str, names: tuple, filters: dict) -> str:
    """Key of the index holding the records that match `filters` on the filter `names`.

    Values are percent-encoded, so a free-text value can never reach into another key."""
    parts = [_encoded(name, filters[name]) for name in names if filters.get(name) is not None]
    return ":".join([f"{prefix}:idx:{kind}", *parts])


def filter_indexes(prefix: str, kind: str, names: tuple, record: dict) -> list[str]:
    """Every index a record belongs to: one per combination of filters, so any filtered list
    is a single sorted-set page (worth it for the two to four filters a list has)."""
    # filter_index of every subset, each value percent-encoded once (not once per subset it is in)
    encoded = {name: _encoded(name, record[name]) for name in names if record.get(name) is not None}
    base = f"{prefix}:idx:{kind}"
    return [":".join([base, *(encoded[name] for name in subset if name in encoded)])
            for size in range(len(names) + 1) for subset in combinations(names, size)]
