"""What every repository does the same way: read a JSON record, refuse a missing one, move a record
between sorted-set indexes, read one page of an index as records; and the version check of a write."""
import json

from shared.errors import NotFound, PreconditionFailed
from shared.pagination import lex_page


def load(reader, key: str) -> dict | None:
    raw = reader.get(key)
    return json.loads(raw) if raw else None


def load_or_404(reader, key: str, what: str, record_id: str) -> dict:
    record = load(reader, key)
    if record is None:
        raise NotFound(f"no {what} with id {record_id}")
    return record


def load_many(reader, keys: list[str]) -> list[dict | None]:
    """The records at `keys` in one MGET, None where there is none."""
    return [json.loads(raw) if raw else None for raw in (reader.mget(keys) if keys else [])]


def check_version(current: int, expected: int | None) -> None:
    """The If-Match check of a write: None writes unconditionally."""
    if expected is not None and expected != current:
        raise PreconditionFailed(f"the record is at version {current}, not {expected}; read it again")


def move(pipe, old_keys, old_member: str | None, new_keys, new_member: str) -> None:
    """Queue the moves of one record between sorted-set indexes (pipe in MULTI): out of the indexes
    it left, into the ones it joined; an index it stays in is rewritten only if its member changed."""
    old_keys, new_keys = set(old_keys), set(new_keys)
    keep = old_keys & new_keys if old_member == new_member else set()
    for key in old_keys - keep:
        pipe.zrem(key, old_member)
    for key in new_keys - keep:
        pipe.zadd(key, {new_member: 0})


def page_of(reader, index: str, cursor: str | None, limit: int, record_key) -> tuple[list[dict], str | None]:
    """One page of the records an index lists (in its order), and the next cursor."""
    ids, next_cursor = lex_page(reader, index, cursor, limit)
    return [record for record in load_many(reader, [record_key(i) for i in ids]) if record], next_cursor
