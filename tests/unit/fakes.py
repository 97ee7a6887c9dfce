"""Fakes for the unit tier (cosmicpython's FakeUnitOfWork is the model): the use cases and handlers run
against in-memory repositories, with the same contract as the Redis ones (reads first, writes queued
until commit; a use case that raises or never commits changes nothing), and every committed event
checked against its service's catalog and every saved record against its domain's TypedDict."""
import typing

from shared.errors import NotFound


def check_shape(record_type, record: dict) -> None:
    """A saved record has every key its TypedDict requires and none it does not declare."""
    hints = typing.get_type_hints(record_type)
    missing = record_type.__required_keys__ - set(record)
    unknown = set(record) - set(hints)
    assert not missing and not unknown, f"{record_type.__name__}: missing {missing}, unknown {unknown}"


class FakeUnitOfWork:
    def __init__(self, catalog, **repositories):
        self.catalog = catalog
        self.events = []              # every committed Event, in order
        self.commits = 0
        self._writes = []
        for name, repository in repositories.items():
            setattr(self, name, repository(self))

    # the UnitOfWork side
    def run(self, work, *watch):
        self._writes, self._committed = [], False
        return work(self)

    def query(self, work):
        return work(self)

    def on(self, _pipe):
        self._writes, self._committed = [], False
        return self

    # the Transaction side
    def watch(self, *keys):
        pass

    def queue(self, write):
        if getattr(self, "_committed", False):   # after commit, as in MULTI: applied with the rest
            write()
        else:
            self._writes.append(write)

    def commit(self, ctx=None, events=()):
        self._committed = True
        for write in self._writes:
            write()
        self._writes = []
        if ctx is None:
            return []
        for event in events:
            self.catalog.validated(event.type, event.data)   # a field name typo fails here
        self.events += events
        self.commits += 1
        if ctx.audit is not None:
            ctx.audit.committed = True
        return []

    def published(self, event_type: str | None = None) -> list:
        return [e for e in self.events if event_type is None or e.type == event_type]


class FakeStore:
    """Records by id, for a fake repository."""

    def __init__(self, uow, what: str, record_type):
        self.uow, self.what, self.record_type = uow, what, record_type
        self.records: dict[str, dict] = {}

    def get(self, record_id: str) -> dict:
        if record_id not in self.records:
            raise NotFound(f"no {self.what} with id {record_id}")
        return self.records[record_id]

    def find(self, record_id: str) -> dict | None:
        return self.records.get(record_id)

    def put(self, record: dict) -> None:
        check_shape(self.record_type, record)
        self.uow.queue(lambda: self.records.__setitem__(record["id"], record))

    def matching(self, filters: dict, order) -> list[dict]:
        found = [r for r in self.records.values() if all(str(r.get(k)) == str(v) for k, v in filters.items())]
        return sorted(found, key=order)


class FakeIdempotency:
    """shared.idempotency's repository in memory: slot -> (fingerprint, outcome)."""

    def __init__(self, uow):
        self.uow = uow
        self.kept: dict[str, tuple] = {}

    def slot(self, *scope_and_key):
        return "\0".join(scope_and_key)

    def is_free(self, slot):
        return slot not in self.kept

    def recall(self, slot, payload):
        from shared.idempotency import HEADER, KeyReused, Replayed
        if slot not in self.kept:
            return None
        fingerprint, outcome = self.kept[slot]
        if fingerprint != payload:
            raise KeyReused({HEADER: ["this key was already used for another request"]})
        if "refused" in outcome:
            raise Replayed(*outcome["refused"])
        return outcome["answer"]

    def remember(self, slot, payload, answer):
        self.uow.queue(lambda: self.kept.__setitem__(slot, (payload, {"answer": answer})))

    def remember_refusal(self, slot, payload, refusal):
        outcome = {"refused": [refusal.status, refusal.slug, refusal.title, refusal.detail, refusal.errors]}
        self.uow.queue(lambda: self.kept.__setitem__(slot, (payload, outcome)))
