"""laporan's stored data versions (`bapas migrate laporan`, shared/migrate.py).

1. A group's participants in a month (the clients with a mark counting for them) were counted on each
   report from the per-client hash `participants:<group>:<month>`; the group's month now keeps the
   count itself (`participants` in `gfig:<group>:<month>`), changed only when a client's count crosses
   zero. Months kept before that had no count: it reads 0 on the report, and the next client crossing
   zero made it 1. The count is set from the per-client hash, which older versions kept too.
"""
from services.laporan import keys
from shared.migrate import Rebuild, Step


def count_participants(pipe, key: str, _settings) -> Step:
    """The group's month with the count of its per-client hash's clients above zero (both watched)."""
    if pipe.type(key) != "hash":
        return Step(None)
    group_id, month = key.split(":")[-2:]          # laporan:participants:<group id>:<YYYY-MM>
    count = sum(int(n) > 0 for n in pipe.hvals(key))
    month_key = keys.group_month(group_id, month)
    pipe.watch(month_key)
    if int(pipe.hget(month_key, "participants") or 0) == count:
        return Step(None)
    return Step(lambda p: p.hset(month_key, "participants", count))


MIGRATIONS = [
    Rebuild(1, "each group's participants in a month counted in its month's figures", keys.participants("*", "*"),
            count_participants),
]
