"""The unit of work on a real Redis: a change, its events and its audit entry commit together or not
at all; a watched key changed by someone else re-runs the whole use case."""
import json

import pytest
import redis as redis_lib

from shared import audit
from shared.audit import AuditEntry
from shared.catalog import Event
from shared.config import Settings
from shared.context import CommandContext
from shared.errors import Conflict
from shared.runtime import build_runtime
from shared.unit_of_work import UnitOfWork
from tests.support.backbone import CATALOG, TYPE
from tests.support.client import REGION, SECRET


class Things:
    def __init__(self, tx):
        self.tx = tx

    def get(self, thing_id):
        return self.tx.read(f"klien:thing:{thing_id}")

    def save(self, thing):
        self.tx.queue(lambda pipe: pipe.set(f"klien:thing:{thing['id']}", json.dumps(thing)))


@pytest.fixture
def uow(redis_url):
    runtime = build_runtime("klien", CATALOG, Settings(redis_url=redis_url, broker_url=redis_url, region=REGION,
                                                       jwt_secret=SECRET))
    return UnitOfWork(runtime, things=Things)


def ctx(entry=None):
    return CommandContext(actor="a", role="admin", correlation_id="c", audit=entry)


def outbox(uow):
    return uow.redis.xrange("klien:outbox")


def test_the_change_its_events_and_its_audit_entry_commit_together(uow):
    entry = AuditEntry({"action": "write", "sub": "a"})

    def work(tx):
        tx.things.save({"id": "t-1", "status": "new"})
        return tx.commit(ctx(entry), [Event(TYPE, "t-1", 1, {"id": "t-1", "status": "new"})])

    [staged] = uow.run(work)
    assert json.loads(uow.redis.get("klien:thing:t-1"))["status"] == "new"
    assert [fields["id"] for _, fields in outbox(uow)] == [staged["id"]]
    [(_, fields)] = uow.redis.xrange(audit.stream_key("klien"))
    assert json.loads(fields["entry"])["outcome"] == "committed" and entry.committed


def test_a_use_case_that_refuses_after_queueing_writes_commits_nothing(uow):
    entry = AuditEntry({"action": "write"})

    def work(tx):
        tx.things.save({"id": "t-1", "status": "new"})
        raise Conflict("no")

    with pytest.raises(Conflict):
        uow.run(work)
    assert uow.redis.get("klien:thing:t-1") is None and outbox(uow) == [] and not entry.committed


def test_a_watched_record_changed_meanwhile_reruns_the_use_case_on_the_new_state(uow, redis_url):
    other = redis_lib.Redis.from_url(redis_url, decode_responses=True)
    other.set("klien:thing:t-1", json.dumps({"id": "t-1", "status": "a", "version": 1}))
    seen = []

    def work(tx):
        thing = tx.things.get("t-1")
        seen.append(thing["version"])
        if len(seen) == 1:   # someone else writes between our read and our EXEC
            other.set("klien:thing:t-1", json.dumps({**thing, "version": 2}))
        changed = {**thing, "status": "b", "version": thing["version"] + 1}
        tx.things.save(changed)
        tx.commit(ctx(), [Event(TYPE, "t-1", changed["version"], {"id": "t-1", "status": "b"})])

    uow.run(work)
    assert seen == [1, 2] and json.loads(uow.redis.get("klien:thing:t-1"))["version"] == 3
    assert len(outbox(uow)) == 1


def test_a_query_cannot_commit(uow):
    with pytest.raises(RuntimeError):
        uow.query(lambda tx: tx.commit(ctx()))
