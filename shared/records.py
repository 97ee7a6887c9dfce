"""What every repository does the same way: read a JSON record, refuse a missing one, move a record
between sorted-set indexes, read one page of an index as records; and the version check of a write."""
from shared import jsontext
from shared.errors import NotFound, PreconditionFailed
from shared.pagination import lex_page


def load(reader, key: str) -> dict | None:
    raw = reader.get(key)
    return jsontext.loads(raw) if raw else None


def load_or_404(reader, key: str, what: str, record_id: str) -> dict:
    record = load(reader, key)
    if record is None:
        raise NotFound(f"no {what} with id {record_id}")
    return record


def load_many(reader, keys: list[str]) -> list[dict | None]:
    """The records at `keys` in one MGET, None where there is none."""
    return [jsontext.loads(raw) if raw else None for raw in (reader.mget(keys) if keys else [])]


def check_version(current: int, expected: int | None) -> None:
    """The If-Match check of a write: None writes unconditionally."""
    if expected is not None and expected != current:
        raise PreconditionFailed(f"the record is at version {current}, not {expected}; read it again")


def move(pipe, old_keys, old_member: str | None, new_keys, new_member: str) -> None:
    """Queue the moves of one record between sorted-set indexes (pipe in MULTI): out of the indexes
    it left, into the ones it joined; an index it stays in is rewritten only if its member changed."""
    old_keys, new_keys = set(old_keys), set(new_keys)
    keep = old_keys & new_keys if old_member == new_member else set()
    move_members(pipe, [(key, old_member) for key in old_keys - keep], [(key, new_member) for key in new_keys - keep])


# ZREM (key, member) for the first ARGV[1] keys, then ZADD with score 0 for the rest, in that order.
_MOVE = """
local removed = tonumber(ARGV[1])
for i = 1, #KEYS do
  if i <= removed then
    redis.call('ZREM', KEYS[i], ARGV[i + 1])
  else
    redis.call('ZADD', KEYS[i], 0, ARGV[i + 1])
  end
end
return #KEYS
"""


def move_members(pipe, removed: list[tuple[str, str]], added: list[tuple[str, str]]) -> None:
    """Queue ZREM of each (index, member) in `removed`, then ZADD (score 0) of each in `added`, as one
    command when there are several (one EVAL of the script's text: no script cache to miss inside MULTI;
    a write's ten index entries cost the client one command to pack and one reply to read, not ten)."""
    if len(removed) + len(added) <= 1:
        for key, member in removed:
            pipe.zrem(key, member)
        for key, member in added:
            pipe.zadd(key, {member: 0})
        return
    entries = [*removed, *added]
    pipe.eval(_MOVE, len(entries), *[key for key, _ in entries], len(removed), *[member for _, member in entries])


def page_of(reader, index: str, cursor: str | None, limit: int, record_key,
            bounds: tuple[str, str] = ("-", "+")) -> tuple[list[dict], str | None]:
    """One page of the records an index lists (in its order, within ZRANGEBYLEX `bounds`), and the next cursor."""
    ids, next_cursor = lex_page(reader, index, cursor, limit, *bounds)
    return [record for record in load_many(reader, [record_key(i) for i in ids]) if record], next_cursor
