"""Stored data versions: each service's records carry a data version in Redis, and
`bapas migrate <service>` upgrades the stored records in place to the version its code expects.

A service declares its migrations in `services/<name>/migrations.py` as MIGRATIONS, an ordered
list of two kinds, each with the version it brings the data to and the key pattern it visits:
- `Migration` rewrites values: `upgrade(value)` returns a record (a JSON string, or each JSON
  entry of a list such as a history) in the new form, or None when it already is in that form;
- `Rebuild` rebuilds what is derived from a record (its index entries, its uniqueness slot):
  `rebuild(pipe, key, settings)` reads through the watched pipe and returns a `Step`.
Either may leave notes for a person to review (a value no rule could map), kept in Redis with the
rewrite that caused them (`<service>:data:review:<version>`) and listed by `bapas migrate --review`.

So a run is idempotent: a key already in the new form is left alone. It is resumable: the SCAN
cursor is kept in Redis after every batch (with the server's run id: after a restart or a failover,
which order the keys anew, it starts over), and the data version rises only once every key was seen.
Each key is rewritten in its own WATCH/MULTI/EXEC, so a service may keep writing meanwhile.
"""
import importlib
import json
import logging
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import redis

from shared.pagination import member_id
from shared.redis_tx import transact

log = logging.getLogger(__name__)


class Step(NamedTuple):
    """What one key needs: `writes(pipe)` queued in MULTI (None: nothing, it is in the new form),
    and notes for a person to review."""
    writes: Callable[[Any], None] | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    pattern: str
    upgrade: Callable[[dict], dict | None]
    review: Callable[[dict, dict], str | None] = lambda _old, _new: None   # a note on an upgrade, or None
    watches_key = True               # each key is rewritten under its own WATCH

    def plan(self, pipe, key: str, _settings) -> Step:
        kind = pipe.type(key)
        if kind == "string":
            old = json.loads(pipe.get(key))
            new = self.upgrade(old)
            if new is None:
                return Step(None)
            return Step(lambda p: p.set(key, json.dumps(new)), self._notes([(old, new)]))
        if kind == "list":
            entries = [json.loads(raw) for raw in pipe.lrange(key, 0, -1)]
            upgraded = {index: (old, new) for index, old in enumerate(entries)
                        if (new := self.upgrade(old)) is not None}
            if not upgraded:
                return Step(None)

            def writes(p):
                for index, (_old, new) in upgraded.items():
                    p.lset(key, index, json.dumps(new))

            return Step(writes, self._notes(upgraded.values()))
        return Step(None)

    def _notes(self, pairs) -> tuple[str, ...]:
        return tuple(note for old, new in pairs if (note := self.review(old, new)))


@dataclass(frozen=True)
class Rebuild:
    version: int
    description: str
    pattern: str
    rebuild: Callable[[Any, str, Any], Step]
    watches_key: bool = True         # False: the step watches what it reads itself

    def plan(self, pipe, key: str, settings) -> Step:
        return self.rebuild(pipe, key, settings)


class Outcome(NamedTuple):
    migration: Migration | Rebuild
    rewritten: int          # keys rewritten by this run
    noted: int              # notes left for review by this run


def declared(service: str) -> list[Migration | Rebuild]:
    try:
        module = importlib.import_module(f"services.{service}.migrations")
    except ModuleNotFoundError as exc:
        if exc.name != f"services.{service}.migrations":
            raise
        return []
    return sorted(module.MIGRATIONS, key=lambda m: m.version)


def on_start(client, service: str) -> None:
    """At a worker's start: a store with none of the keys the migrations visit (a new region) is at the
    code's data version already, so it says so; otherwise a pending migration is in the log until an
    operator runs `bapas migrate`. A Redis not reachable yet is the relay's to wait for: no check then."""
    migrator = Migrator(client, service, declared(service))
    try:
        if client.get(migrator.version_key) is None and not any(
                next(client.scan_iter(match=m.pattern, count=1000), None) for m in migrator.migrations):
            client.set(migrator.version_key, migrator.target(), nx=True)
            return
        pending = migrator.pending()
    except redis.RedisError as exc:
        log.warning("%s: the stored data's version not checked: %s", service, exc)
        return
    if pending:
        log.warning("%s: stored data at version %d, the code expects %d: run `bapas migrate %s` (%s)", service,
                    migrator.current(), migrator.target(), service, "; ".join(m.description for m in pending))


class Migrator:
    def __init__(self, client, service: str, migrations: list, settings=None):
        self.redis, self.service, self.migrations, self.settings = client, service, migrations, settings
        self.version_key = f"{service}:data:version"

    def current(self) -> int:
        return int(self.redis.get(self.version_key) or 0)

    def target(self) -> int:
        return max((m.version for m in self.migrations), default=0)

    def pending(self) -> list:
        return [m for m in self.migrations if m.version > self.current()]

    def review_key(self, migration) -> str:
        return f"{self.service}:data:review:{migration.version}"

    def notes(self) -> dict[int, dict[str, str]]:
        """Version -> {key: note} of every note left for review, of every declared migration."""
        found = {m.version: self.redis.hgetall(self.review_key(m)) for m in self.migrations}
        return {version: notes for version, notes in found.items() if notes}

    def forget_notes(self) -> int:
        """Delete the notes once a person has reviewed them (they may quote personal data); how many."""
        count = sum(len(notes) for notes in self.notes().values())
        if self.migrations:
            self.redis.delete(*[self.review_key(m) for m in self.migrations])
        return count

    def restart_from(self, version: int) -> None:
        """Lower the data version to `version`, so the migrations above it run again from their first key
        (they are idempotent): after older code wrote to data a newer version had migrated (a rollback)."""
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self.version_key, min(version, self.current()))
            for migration in self.migrations:
                if migration.version > version:
                    pipe.delete(self._cursor_key(migration))
            pipe.execute()

    def run(self, batch: int = 200, max_batches: int | None = None) -> list[Outcome]:
        """Apply the pending migrations in order; an Outcome for each one finished. With `max_batches`,
        stop after that many SCAN batches (a later run resumes where this one stopped)."""
        done = []
        for migration in self.pending():
            outcome, finished, max_batches = self._apply(migration, batch, max_batches)
            if not finished:
                break
            done.append(outcome)
        return done

    def _cursor_key(self, migration) -> str:
        return f"{self.service}:data:migration:{migration.version}:cursor"

    def _resume(self, migration, server: str) -> int:
        """Where an interrupted run stopped. A SCAN cursor holds on the server that gave it only (a restart
        or a failover since orders the keys anew), so elsewhere the migration starts over: it is idempotent."""
        saved_on, _, cursor = (self.redis.get(self._cursor_key(migration)) or "").partition(" ")
        return int(cursor) if saved_on == server and cursor else 0

    def _apply(self, migration, batch: int, max_batches: int | None):
        server = self.redis.info("server")["run_id"]
        cursor, rewritten, noted = self._resume(migration, server), 0, 0
        while max_batches is None or max_batches > 0:
            cursor, keys = self.redis.scan(cursor, match=migration.pattern, count=batch)
            for key in keys:
                step = self._step(key, migration)
                rewritten += step.writes is not None
                noted += len(step.notes)
            max_batches = None if max_batches is None else max_batches - 1
            if cursor == 0:
                with self.redis.pipeline(transaction=True) as pipe:
                    pipe.set(self.version_key, migration.version).delete(self._cursor_key(migration)).execute()
                return Outcome(migration, rewritten, noted), True, max_batches
            self.redis.set(self._cursor_key(migration), f"{server} {cursor}")
        return Outcome(migration, rewritten, noted), False, max_batches

    def _step(self, key: str, migration) -> Step:
        """One key's step in its own transaction; its notes are kept with its rewrite, so an
        interruption cannot lose the note of a value already rewritten."""
        def work(pipe):
            step = migration.plan(pipe, key, self.settings)
            if step.writes is not None or step.notes:
                pipe.multi()
                if step.writes is not None:
                    step.writes(pipe)
                if step.notes:
                    pipe.hset(self.review_key(migration), key, "; ".join(step.notes))
            return step
        return transact(self.redis, work, *([key] if migration.watches_key else []))


# Index repairs that more than one service needs.

# The positions (1-based) of the (KEYS[i], ARGV[i]) entries not in their sorted set: one round trip
# for a record's ten to twenty entries instead of one ZSCORE each (a read: nothing is written).
_MISSING = """
local missing = {}
for i = 1, #KEYS do
  if not redis.call('ZSCORE', KEYS[i], ARGV[i]) then missing[#missing + 1] = i end
end
return missing
"""


def add_missing(pipe, entries) -> Step:
    """The (sorted-set key, member) entries not yet in their index, added (score 0: lexicographic indexes)."""
    entries = list(entries)
    positions = pipe.eval(_MISSING, len(entries), *[k for k, _ in entries], *[m for _, m in entries]) if entries else []
    missing = [entries[i - 1] for i in positions]
    if not missing:
        return Step(None)

    def writes(p):
        for key, member in missing:
            p.zadd(key, {member: 0})

    return Step(writes)


def reindex(record_key: Callable[[str], str], entries: Callable[[Any, dict, Any], list]) -> Callable:
    """A Rebuild's step for the records at `record_key(id)`: `entries(pipe, record, settings)`, the (index key,
    member) pairs that list it, added where missing. Other keys the pattern meets (a record's hash of
    attendance marks) are passed over."""
    def step(pipe, key: str, settings) -> Step:
        if pipe.type(key) != "string":
            return Step(None)
        record = json.loads(pipe.get(key))
        if key != record_key(record["id"]):
            return Step(None)
        return add_missing(pipe, entries(pipe, record, settings))

    return step


def watched(pipe, key: str) -> dict | None:
    """The JSON record at `key`, read with the key watched."""
    pipe.watch(key)
    raw = pipe.get(key)
    return json.loads(raw) if raw else None


def of_record(record_key: Callable[[str], str], entries: Callable[[Any, dict, Any], list]) -> Callable:
    """`expected(pipe, id, settings)` for unbacked_dropped: `entries(pipe, record, settings)` of the record
    at `record_key(id)` (watched)."""
    def expected(pipe, record_id: str, settings) -> list | None:
        record = watched(pipe, record_key(record_id))
        return entries(pipe, record, settings) if record else None

    return expected


def unbacked_dropped(version: int, prefix: str, kinds: dict[str, Callable[[Any, str, Any], list | None]]) -> Rebuild:
    """The service's list indexes without the entries no record backs: those of the form older releases
    wrote ("<sort key>|<id>"), and those an older release left for a record it moved after a migration
    (a rollback). `kinds` maps an index's kind (`<prefix>:idx:<kind>...`) to `expected(pipe, id, settings)`, the
    entries the record with that id should have (read watched), None when there is no such record.
    Declared after the rebuilds that add the records' entries, so no record leaves a list meanwhile.

    A whole index is read without watching it or its records (a write to any of them would abort the
    step over and over in a busy region); only the entries found unbacked are checked again with their
    records watched before they are dropped, and an entry added meanwhile was not read, so it stays."""
    def step(pipe, key: str, settings) -> Step:
        expected = kinds.get(key.split(":")[2])
        if expected is None or pipe.type(key) != "zset":
            return Step(None)
        suspects = unbacked(_Unwatched(pipe), key, pipe.zrange(key, 0, -1), expected, settings)
        stale = unbacked(pipe, key, suspects, expected, settings) if suspects else []
        return Step((lambda p: p.zrem(key, *stale)) if stale else None)

    return Rebuild(version, "index entries no record backs dropped (those of the old form '|' among them)",
                   f"{prefix}:idx:*", step, watches_key=False)


def unbacked(reader, key: str, members: list[str], expected, settings=None) -> list[str]:
    """The members of the index `key` that their record's expected entries do not hold."""
    backed = {record_id: set(expected(reader, record_id, settings) or ())
              for record_id in {member_id(m) for m in members}}
    return [member for member in members if (key, member) not in backed[member_id(member)]]


class _Unwatched:
    """A pipe whose watch() does nothing, for the first, unwatched reading of a whole index."""

    def __init__(self, pipe):
        self._pipe = pipe

    def watch(self, *_keys) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self._pipe, name)
