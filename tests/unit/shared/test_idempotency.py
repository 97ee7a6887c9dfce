"""shared.idempotency: the one Idempotency-Key of klien's check-ins and bimbingan's attendance batches."""
import hashlib
import json

import pytest

from shared import idempotency
from shared.errors import Conflict, Invalid
from tests.unit.fakes import FakeIdempotency, FakeUnitOfWork


class Catalog:
    def validated(self, _type, data):
        return data


def uow():
    return FakeUnitOfWork(Catalog(), idempotency=FakeIdempotency)


def test_each_endpoint_keeps_the_key_rule_it_documents():
    assert idempotency.checked_key(None) is None
    assert idempotency.checked_key("retry-1") == "retry-1"
    for bad in ("", " lead", "trail ", "x" * 256, "café", "tab\there"):
        with pytest.raises(Invalid):
            idempotency.checked_key(bad)
    assert idempotency.checked_key("x" * 255) == "x" * 255
    assert idempotency.checked_key("batch-0001", idempotency.TOKEN) == "batch-0001"
    for bad in ("no", "retry-1", "a" * 129, "has space1", "slash/0001"):
        with pytest.raises(Invalid):
            idempotency.checked_key(bad, idempotency.TOKEN)


def test_an_answer_is_applied_once_and_given_again():
    work, applied = uow(), []

    def apply(tx):
        applied.append(1)
        tx.commit()
        return {"n": len(applied)}

    first = idempotency.once(work, "k-0000001", ("pk-1", "/x"), {"a": 1}, apply)
    again = idempotency.once(work, "k-0000001", ("pk-1", "/x"), {"a": 1}, apply)
    assert first == ({"n": 1}, False) and again == ({"n": 1}, True) and applied == [1]
    assert idempotency.once(work, "k-0000001", ("pk-2", "/x"), {"a": 1}, apply) == ({"n": 2}, False)
    assert idempotency.once(work, None, ("pk-1", "/x"), {"a": 1}, apply) == ({"n": 3}, False)


def test_another_payload_under_a_used_key_is_422_and_not_kept():
    work = uow()
    idempotency.once(work, "k-0000002", ("pk-1", "/x"), {"a": 1}, lambda tx: tx.commit() or {"ok": True})
    for _ in range(2):
        with pytest.raises(idempotency.KeyReused):
            idempotency.once(work, "k-0000002", ("pk-1", "/x"), {"a": 2}, lambda tx: pytest.fail("applied"))
    assert idempotency.once(work, "k-0000002", ("pk-1", "/x"), {"a": 1}, lambda tx: pytest.fail("applied")) == (
        {"ok": True}, True)


def test_a_refusal_is_kept_and_answered_again_as_it_was():
    work, calls = uow(), []

    def refuse(tx):
        calls.append(1)
        raise Conflict(f"refused {len(calls)}")

    with pytest.raises(Conflict, match="refused 1"):
        idempotency.once(work, "k-0000003", ("pk-1", "/x"), {"a": 1}, refuse)
    with pytest.raises(idempotency.Replayed) as replayed:
        idempotency.once(work, "k-0000003", ("pk-1", "/x"), {"a": 1}, refuse)
    assert calls == [1] and replayed.value.status == 409 and replayed.value.detail == "refused 1"


def test_a_server_error_is_not_kept():
    work, calls = uow(), []

    def fail(tx):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("store went away")
        tx.commit()
        return {"ok": True}

    with pytest.raises(RuntimeError):
        idempotency.once(work, "k-0000004", ("pk-1", "/x"), {"a": 1}, fail)
    assert idempotency.once(work, "k-0000004", ("pk-1", "/x"), {"a": 1}, fail) == ({"ok": True}, False)


class Tx:
    """Enough of a Transaction for the Redis repository: reads from a dict, writes queued."""

    def __init__(self, stored):
        self.stored, self.queued = stored, []

    def read(self, key):
        return json.loads(self.stored[key]) if key in self.stored else None

    def queue(self, write):
        self.queued.append(write)


def test_slots_and_values_are_read_as_both_services_kept_them_before():
    digest = idempotency.fingerprint({"records": [1]})
    bimbingan = idempotency.repository("bimbingan", separator="|")(Tx({}))
    legacy_slot = f"bimbingan:idempotency:{hashlib.sha256(b'pk-1|s-1|batch-0001').hexdigest()}"
    assert bimbingan.slot("pk-1", "s-1", "batch-0001") == legacy_slot
    klien = idempotency.repository("klien")(Tx({}))
    klien_digest = hashlib.sha256("pk-1\0/p\0k".encode()).hexdigest()
    assert klien.slot("pk-1", "/p", "k") == f"klien:idempotency:{klien_digest}"

    old = {"done": {"digest": digest, "state": "done", "answer": {"ok": 1}},
           "refused": {"digest": digest, "state": "done", "refused": [409, "conflict", "Conflict", "no", None]},
           "applying": {"digest": digest, "state": "applying"},
           "klien": {"fingerprint": digest, "answer": {"ok": 2}}}
    repo = idempotency.repository("bimbingan", "|")(Tx({k: json.dumps(v) for k, v in old.items()}))
    assert repo.recall("done", digest) == {"ok": 1} and repo.recall("klien", digest) == {"ok": 2}
    with pytest.raises(idempotency.Replayed, match="no"):
        repo.recall("refused", digest)
    with pytest.raises(idempotency.StillApplying):
        repo.recall("applying", digest)
    with pytest.raises(idempotency.KeyReused):
        repo.recall("done", "another")


def test_a_value_written_now_carries_both_services_former_fields():
    tx = Tx({})
    repo = idempotency.repository("klien")(tx)
    repo.remember("slot", "fp", {"ok": 1})

    class Pipe:
        def set(self, key, value, ex):
            self.value = json.loads(value)

    pipe = Pipe()
    tx.queued[0](pipe)
    assert pipe.value == {"fingerprint": "fp", "digest": "fp", "state": "done", "answer": {"ok": 1}}
