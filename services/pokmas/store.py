"""pokmas's Redis: groups, and the helpers every pokmas store shares; each change with its event."""
import json

from services.pokmas import domain, keys
from shared.errors import Conflict, Forbidden, NotFound
from shared.http.versioning import check_version
from shared.ids import new_id
from shared.pagination import index_member, lex_page
from shared.redis_tx import transact


def load(reader, key: str) -> dict | None:
    raw = reader.get(key)
    return json.loads(raw) if raw else None


def check_group(group_id: str, ctx) -> None:
    """A partner sees only its own group's records."""
    if ctx.role == "partner" and group_id != ctx.group_id:
        raise Forbidden("this record belongs to another group")


def reindex(pipe, old_keys, old_member: str | None, new_keys, new_member: str) -> None:
    """Queue the moves of one record between sorted-set indexes (pipe in MULTI)."""
    old_keys, new_keys = set(old_keys), set(new_keys)
    keep = old_keys & new_keys if old_member == new_member else set()
    for key in old_keys - keep:
        pipe.zrem(key, old_member)
    for key in new_keys - keep:
        pipe.zadd(key, {new_member: 0})


def page_of(redis, index: str, args: dict, record_key) -> tuple[list[dict], str | None]:
    ids, next_cursor = lex_page(redis, index, args["cursor"], args["limit"])
    raws = redis.mget([record_key(i) for i in ids]) if ids else []
    return [json.loads(raw) for raw in raws if raw], next_cursor


def _member(group: dict) -> str:
    return index_member(domain.name_key(group["name"]), group["id"])


class GroupStore:
    def __init__(self, runtime):
        self.redis = runtime.redis
        self.outbox = runtime.outbox

    def register(self, body: dict, ctx) -> dict:
        group = domain.new_group(new_id(), body, ctx)

        def work(pipe):
            self._check_name_free(pipe, group)
            pipe.multi()
            self._save(pipe, None, group, "pokmas.group.registered", ctx)
            return group

        return transact(self.redis, work, keys.GROUP_NAMES)

    def get(self, group_id: str, ctx) -> dict:
        group = self._get(self.redis, group_id)
        check_group(group_id, ctx)
        return group

    def update(self, group_id: str, changes: dict, expected: int | None, ctx) -> dict:
        def work(pipe):
            before = self._get(pipe, group_id)
            check_version(before["version"], expected)
            after = domain.update_group(before, changes, ctx)
            if all(after[f] == before[f] for f in domain.GROUP_FIELDS):
                return before  # nothing changed: no new version, no event
            self._check_name_free(pipe, after)
            pipe.multi()
            self._save(pipe, before, after, "pokmas.group.updated", ctx)
            return after

        return transact(self.redis, work, keys.group(group_id), keys.GROUP_NAMES)

    def page(self, args: dict, ctx) -> dict:
        filters = {name: args[name] for name in keys.GROUP_FILTERS if args.get(name) is not None}
        if ctx.role == "partner":
            return self._own_group(filters, ctx)
        items, next_cursor = page_of(self.redis, keys.group_index(filters), args, keys.group)
        return {"items": items, "next_cursor": next_cursor}

    def _own_group(self, filters: dict, ctx) -> dict:
        group = load(self.redis, keys.group(ctx.group_id)) if ctx.group_id else None
        matches = group is not None and all(group[name] == value for name, value in filters.items())
        return {"items": [group] if matches else [], "next_cursor": None}

    @staticmethod
    def _get(reader, group_id: str) -> dict:
        group = load(reader, keys.group(group_id))
        if group is None:
            raise NotFound(f"no group with id {group_id}")
        return group

    @staticmethod
    def _check_name_free(pipe, group: dict) -> None:
        owner = pipe.hget(keys.GROUP_NAMES, domain.name_key(group["name"]))
        if owner is not None and owner != group["id"]:
            raise Conflict(f"a group with this name is already registered in the region (group {owner})")

    def _save(self, pipe, before: dict | None, after: dict, event_type: str, ctx) -> None:
        pipe.set(keys.group(after["id"]), json.dumps(after))
        if before is not None:
            pipe.hdel(keys.GROUP_NAMES, domain.name_key(before["name"]))
        pipe.hset(keys.GROUP_NAMES, domain.name_key(after["name"]), after["id"])
        reindex(pipe, keys.group_indexes(before) if before else [], _member(before) if before else None,
                keys.group_indexes(after), _member(after))
        self.outbox.stage(pipe, type=event_type, subject=after["id"], sequence=after["version"],
                          data=domain.group_event_data(after), correlation_id=ctx.correlation_id)
