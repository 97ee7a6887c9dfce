"""laporan's Redis: replicas, facts and their counters, read and written inside one transaction.

A `Tx` wraps the pipe the Applier hands a handler: every key it reads is watched first, and what
it writes is staged and queued after MULTI, so a change, its recounts and the event's inbox mark
commit together or not at all. Reads see the writes staged earlier in the same Tx.
"""
import json

from services.laporan import domain, keys
from shared import jsontext


class Tx:
    def __init__(self, pipe, tz):
        self.pipe, self.tz = pipe, tz
        self._seen: dict[str, object] = {}
        self._writes: list = []
        self._set_changes: dict[str, tuple[set, set]] = {}
        self._counts: dict[tuple[str, str], int] = {}

    # -- reads (watched) and staged writes ---------------------------------------------------
    def _read(self, key: str, read):
        if key not in self._seen:
            self.pipe.watch(key)
            self._seen[key] = read(key)
        return self._seen[key]

    def prefetch(self, strings: list[str], hashes: list[str] = ()) -> None:
        """Watch and read what a change will need in three round trips, not two per key."""
        strings = [k for k in dict.fromkeys(strings) if k not in self._seen]
        hashes = [k for k in dict.fromkeys(hashes) if k not in self._seen]
        if strings or hashes:
            self.pipe.watch(*strings, *hashes)
        if strings:
            self._seen.update(zip(strings, self.pipe.mget(strings)))
        for key in hashes:
            self._seen[key] = self.pipe.hgetall(key)

    def get(self, key: str) -> dict | None:
        raw = self._read(key, self.pipe.get)
        return jsontext.loads(raw) if raw else None

    def hash(self, key: str) -> dict:
        return self._read(key, self.pipe.hgetall)

    def put(self, key: str, value: dict) -> None:
        self._seen[key] = jsontext.dumps(value)
        self._writes.append(lambda p: p.set(key, self._seen[key]))

    def hset(self, key: str, field: str, value: str) -> None:
        self.hash(key)[field] = value
        self._writes.append(lambda p: p.hset(key, field, value))

    def hreplace(self, key: str, mapping: dict) -> None:
        self._seen[key] = dict(mapping)
        self._writes.append(lambda p: p.delete(key))
        if mapping:
            self._writes.append(lambda p: p.hset(key, mapping=mapping))

    def members(self, key: str) -> set:
        """The set as it will be after this Tx: Redis's members with the adds and removes staged so far."""
        if key not in self._seen:
            self.pipe.watch(key)
            added, removed = self._set_changes.get(key, (set(), set()))
            self._seen[key] = (self.pipe.smembers(key) | added) - removed
        return self._seen[key]

    def sadd(self, key: str, member: str) -> None:
        """Staged without reading the set: dependents sets grow with every mark of a group."""
        self._change_set(key, member, added=True)
        self._writes.append(lambda p: p.sadd(key, member))

    def srem(self, key: str, member: str) -> None:
        self._change_set(key, member, added=False)
        self._writes.append(lambda p: p.srem(key, member))

    def _change_set(self, key: str, member: str, added: bool) -> None:
        adds, removes = self._set_changes.setdefault(key, (set(), set()))
        (adds if added else removes).add(member)
        (removes if added else adds).discard(member)
        if key in self._seen:
            (self._seen[key].add if added else self._seen[key].discard)(member)

    def any_member(self, key: str) -> bool:
        if key in self._seen:
            return bool(self._seen[key])
        adds, removes = self._set_changes.get(key, (set(), set()))
        if adds:
            return True
        if not removes:
            self.pipe.watch(key)
            return self.pipe.scard(key) > 0
        return bool(self.members(key))

    def stage(self, write) -> None:
        self._writes.append(write)

    def commit(self) -> None:
        self.pipe.multi()
        for write in self._writes:
            write(self.pipe)

    # -- facts ----------------------------------------------------------------------------
    def recount(self, fact: str) -> None:
        """Replace the fact's counters with what its current state and attributions give."""
        after = [tuple(c) for c in self._contributions(fact)]
        before = [tuple(c) for c in (jsontext.loads(self._read(keys.contributions(fact), self.pipe.get) or "[]"))]
        months = {}  # (office, month) pairs that gain figures: one SADD, each pair once
        for item, delta in domain.changes(before, after):
            key, field = keys.counter(item)
            self._writes.append(lambda p, key=key, field=field, delta=delta: p.hincrby(key, field, delta))
            if item[0] == "participant":
                self._count_participant(item, key, field, delta)
            if item[0] in ("office", "office_group") and delta > 0:
                months[f"{item[1]}|{item[2]}"] = None
        if months:
            self._writes.append(lambda p, members=list(months): p.sadd(keys.MONTHS, *members))
        if after != before:
            text = self._seen[keys.contributions(fact)] = jsontext.dumps(after)
            self._writes.append(lambda p, k=keys.contributions(fact), v=text: p.set(k, v) if after else p.delete(k))

    def _count_participant(self, item: tuple, key: str, field: str, delta: int) -> None:
        """A group's participants are the clients with a mark counting for them: the group's month keeps
        how many, changed when a client's count crosses zero, so a report never reads them one by one."""
        if (key, field) not in self._counts:
            self.pipe.watch(key)
            self._counts[key, field] = int(self.pipe.hget(key, field) or 0)
        before = self._counts[key, field]
        self._counts[key, field] = before + delta
        if (before > 0) != (before + delta > 0):
            step = 1 if before + delta > 0 else -1
            month_key = keys.group_month(item[1], item[2])
            self._writes.append(lambda p: p.hincrby(month_key, "participants", step))

    def recount_dependents(self, aggregate_id: str) -> None:
        for fact in sorted(self.members(keys.dependents(aggregate_id))):
            self.recount(fact)

    def _depends(self, fact: str, *aggregate_ids) -> None:
        for aggregate_id in aggregate_ids:
            self.sadd(keys.dependents(aggregate_id), fact)

    def _contributions(self, fact: str) -> list:
        kind, _, rest = fact.partition(":")
        return getattr(self, f"_{kind}")(*rest.split(":"))

    def _client(self, client_id: str) -> list:
        client = self.get(keys.client(client_id))
        return domain.client_contributions(client) if client else []

    def _enrollment(self, enrollment_id: str) -> list:
        enrollment = self.get(keys.enrollment(enrollment_id))
        if enrollment is None:
            return []
        c, g, p = enrollment["client_id"], enrollment["group_id"], enrollment["program_id"]
        self._depends(f"enrollment:{enrollment_id}", c, g, p)
        return domain.enrollment_contributions(enrollment, self.get(keys.client(c)), self.get(keys.group(g)),
                                               self.get(keys.program(p)))

    def _session(self, session_id: str) -> list:
        session = self.get(keys.session(session_id))
        if session is None:
            return []
        self._depends(f"session:{session_id}", session["group_id"], session["program_id"])
        marked = self.any_member(keys.session_marked(session_id))
        return domain.session_contributions(session, marked, self.get(keys.group(session["group_id"])),
                                            self.get(keys.program(session["program_id"])), self.tz)

    def _mark(self, enrollment_id: str, session_id: str) -> list:
        kind = self.hash(keys.marks(enrollment_id)).get(session_id)
        enrollment = self.get(keys.enrollment(enrollment_id))
        if kind is None or enrollment is None:
            return []
        c, g, p = enrollment["client_id"], enrollment["group_id"], enrollment["program_id"]
        self._depends(f"mark:{enrollment_id}:{session_id}", c, g, p, session_id)
        return domain.mark_contributions(kind, enrollment, self.get(keys.session(session_id)),
                                         self.get(keys.client(c)), self.get(keys.group(g)),
                                         self.get(keys.program(p)), self.tz)

    def _reporting(self, client_id: str, day: str) -> list:
        outcome = self.hash(keys.reporting(client_id)).get(day)
        if outcome is None:
            return []
        self._depends(f"reporting:{client_id}:{day}", client_id)
        return domain.reporting_contributions(outcome, day, self.get(keys.client(client_id)))

    def applied_sequence(self, key: str) -> int | None:
        """The sequence applied for the event's subject before it (the backbone's key, in the Applier's watch)."""
        raw = self._read(key, self.pipe.get)
        return int(raw) if raw is not None else None


class Figures:
    """The read side: the kept counters of an office's months, its groups and agreements."""

    def __init__(self, client):
        self.redis = client

    def held(self) -> list[tuple[str, str]]:
        """(office, month) pairs that have figures."""
        return sorted(tuple(pair.rsplit("|", 1)) for pair in self.redis.smembers(keys.MONTHS))

    def office_regions(self) -> dict[str, str]:
        return self.redis.hgetall(keys.OFFICE_REGIONS)

    def office_months(self, office: str, up_to: str) -> dict[str, dict]:
        months = [m for o, m in self.held() if o == office and m <= up_to]
        with self.redis.pipeline(transaction=False) as pipe:
            for month in months:
                pipe.hgetall(keys.office_month(office, month))
            rows = pipe.execute()
        return {month: {k: int(v) for k, v in row.items()} for month, row in zip(months, rows)}

    def groups(self, office: str, month: str) -> list[tuple[str, str | None, dict]]:
        """(group id, name, counters) of the groups with figures in the office's month."""
        ids = sorted(g for g, n in self.redis.hgetall(keys.office_groups(office, month)).items() if int(n) > 0)
        with self.redis.pipeline(transaction=False) as pipe:
            for group_id in ids:
                pipe.hgetall(keys.group_month(group_id, month))
            rows = pipe.execute()
        names = self.redis.hmget(keys.GROUP_NAMES, ids) if ids else []
        return [(group_id, name, {k: int(v) for k, v in counts.items()})
                for group_id, name, counts in zip(ids, names, rows)]

    def agreements_ending(self, first: str, last: str) -> list[dict]:
        """Agreements whose valid_until lies from `first` to `last` (ISO dates), with their group."""
        ids = self.redis.zrangebyscore(keys.AGREEMENTS_BY_END, int(first.replace("-", "")),
                                       int(last.replace("-", "")))
        agreements = [json.loads(raw) for raw in self.redis.mget([keys.agreement(i) for i in ids]) if raw] \
            if ids else []
        groups = self.redis.mget([keys.group(a["group_id"]) for a in agreements]) if agreements else []
        names = self.redis.hmget(keys.GROUP_NAMES, [a["group_id"] for a in agreements]) if agreements else []
        return [{**a, "group": json.loads(g) if g else None, "group_name": n}
                for a, g, n in zip(agreements, groups, names)]
