"""Stored data versions: each service's records carry a data version in Redis, and
`bapas migrate <service>` upgrades the stored records in place to the version its code expects.

A service declares its migrations in `services/<name>/migrations.py` as MIGRATIONS, an ordered
list of `Migration`: the version it brings the data to, the key pattern of the records it
rewrites (JSON strings, or lists of JSON entries such as a history), and `upgrade(value)`, which
returns the value in the new form, or None when it already is in that form. So a run is
idempotent: a record already upgraded is left alone. It is resumable: the SCAN cursor is kept
in Redis after every batch, and the data version rises only once every record was seen. Each
record is rewritten in its own WATCH/MULTI/EXEC, so a service may keep writing meanwhile.
"""
import importlib
import json
from dataclasses import dataclass
from typing import Callable

from shared.redis_tx import transact


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    pattern: str
    upgrade: Callable[[dict], dict | None]


def declared(service: str) -> list[Migration]:
    try:
        module = importlib.import_module(f"services.{service}.migrations")
    except ModuleNotFoundError as exc:
        if exc.name != f"services.{service}.migrations":
            raise
        return []
    return sorted(module.MIGRATIONS, key=lambda m: m.version)


class Migrator:
    def __init__(self, client, service: str, migrations: list[Migration]):
        self.redis, self.service, self.migrations = client, service, migrations
        self.version_key = f"{service}:data:version"

    def current(self) -> int:
        return int(self.redis.get(self.version_key) or 0)

    def target(self) -> int:
        return max((m.version for m in self.migrations), default=0)

    def pending(self) -> list[Migration]:
        return [m for m in self.migrations if m.version > self.current()]

    def run(self, batch: int = 200, max_batches: int | None = None) -> list[tuple[Migration, int]]:
        """Apply the pending migrations in order; (migration, records rewritten) for each one
        finished. With `max_batches`, stop after that many SCAN batches (a later run resumes)."""
        done = []
        for migration in self.pending():
            rewritten, finished, max_batches = self._apply(migration, batch, max_batches)
            if not finished:
                break
            done.append((migration, rewritten))
        return done

    def _cursor_key(self, migration: Migration) -> str:
        return f"{self.service}:data:migration:{migration.version}:cursor"

    def _apply(self, migration: Migration, batch: int, max_batches: int | None):
        cursor, rewritten = int(self.redis.get(self._cursor_key(migration)) or 0), 0
        while max_batches is None or max_batches > 0:
            cursor, keys = self.redis.scan(cursor, match=migration.pattern, count=batch)
            rewritten += sum(self._upgrade(key, migration) for key in keys)
            max_batches = None if max_batches is None else max_batches - 1
            if cursor == 0:
                with self.redis.pipeline(transaction=True) as pipe:
                    pipe.set(self.version_key, migration.version).delete(self._cursor_key(migration)).execute()
                return rewritten, True, max_batches
            self.redis.set(self._cursor_key(migration), cursor)
        return rewritten, False, max_batches

    def _upgrade(self, key: str, migration: Migration) -> bool:
        def work(pipe):
            kind = pipe.type(key)
            if kind == "string":
                new = migration.upgrade(json.loads(pipe.get(key)))
                if new is not None:
                    pipe.multi()
                    pipe.set(key, json.dumps(new))
                return new is not None
            if kind == "list":
                entries = [json.loads(raw) for raw in pipe.lrange(key, 0, -1)]
                upgraded = [migration.upgrade(entry) for entry in entries]
                if any(new is not None for new in upgraded):
                    pipe.multi()
                    for index, new in enumerate(upgraded):
                        if new is not None:
                            pipe.lset(key, index, json.dumps(new))
                return any(new is not None for new in upgraded)
            return False
        return transact(self.redis, work, key)
