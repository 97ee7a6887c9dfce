"""klien's use cases and its handler with fakes: what each commits, announces and refuses, and what
each role is shown."""
import uuid
from datetime import date

import pytest

from services.klien.handlers import subscriptions
from shared.audit import AuditEntry
from shared.context import CommandContext
from shared.envelope import build_event
from shared.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from tests.support.klien_data import client_body, enrollment_data
from tests.unit.klien.fakes import clients


def ctx(role="officer", group_id=None, audit=None):
    return CommandContext(actor=f"{role}-1", role=role, correlation_id="c-1", group_id=group_id, audit=audit)


def loaded(**overrides) -> dict:
    """A request body as the API's schema loads it."""
    from services.klien.schemas import ClientCreate
    return ClientCreate().load(client_body(**overrides))


@pytest.fixture
def cases():
    return clients()


def test_register_commits_the_client_its_history_and_one_event_with_the_audit_entry(cases):
    audit = AuditEntry({"action": "write"})
    client = cases.register(loaded(), ctx(audit=audit))
    uow = cases.uow
    assert uow.clients.get(client["id"])["status"] == "active"
    assert [h["action"] for h in uow.clients.whole_history(client["id"])] == ["registered"]
    assert [(e.type, e.subject, e.sequence) for e in uow.events] == [("klien.client.registered", client["id"], 1)]
    assert audit.committed


def test_a_duplicate_register_number_is_refused_and_nothing_is_committed(cases):
    first = cases.register(loaded(register_number="PAS-1"), ctx())
    with pytest.raises(Conflict):
        cases.register(loaded(register_number="pas-1"), ctx())
    assert len(cases.uow.clients.clients.records) == 1 and cases.uow.commits == 1
    assert first["register_number"] == "PAS-1"


def test_a_correction_checks_the_version_and_names_the_changed_fields(cases):
    client = cases.register(loaded(), ctx())
    with pytest.raises(PreconditionFailed):
        cases.correct(client["id"], {"name": "Siti"}, 7, ctx())
    corrected = cases.correct(client["id"], {"name": "Siti"}, 1, ctx())
    assert corrected["version"] == 2
    assert cases.uow.clients.whole_history(client["id"])[-1]["fields"] == ["name"]
    assert cases.uow.published("klien.client.updated")[0].sequence == 2


def test_a_correction_that_changes_nothing_commits_nothing(cases):
    client = cases.register(loaded(sex="L"), ctx())
    assert cases.correct(client["id"], {"sex": "L"}, None, ctx())["version"] == 1
    assert cases.uow.commits == 1


def test_a_status_change_ends_the_client_once(cases):
    client = cases.register(loaded(), ctx())
    ended = cases.change_status(client["id"], {"status": "completed", "reason": "done",
                                               "effective_date": date(2026, 12, 31)}, 1, ctx())
    assert ended["status"] == "completed"
    assert [e.type for e in cases.uow.events][-1] == "klien.client.status_changed"
    with pytest.raises(NotFound):
        cases.change_status(str(uuid.uuid4()), {"status": "completed", "reason": "x",
                                                "effective_date": date(2026, 12, 31)},
                            None, ctx())


@pytest.mark.parametrize("role, nik", [("officer", "1671010101800001"), ("auditor", "************0001")])
def test_reads_mask_the_nik_by_role(cases, role, nik):
    client = cases.register(loaded(nik="1671010101800001"), ctx("admin"))
    assert cases.get(client["id"], ctx(role))["nik"] == nik
    assert [c["nik"] for c in cases.page({"limit": 10}, ctx(role))["items"]] == [nik]


def test_a_partner_sees_only_its_participants_by_id_and_name(cases):
    client = cases.register(loaded(), ctx())
    group = str(uuid.uuid4())
    with pytest.raises(Forbidden):
        cases.get(client["id"], ctx("partner", group_id=group))
    handle(cases, "bimbingan.enrollment.created", enrollment_data(client["id"], group_id=group))
    assert set(cases.get(client["id"], ctx("partner", group_id=group))) == {"id", "name", "version"}


def test_a_search_needs_a_letter_or_digit(cases):
    with pytest.raises(Invalid) as caught:
        cases.page({"q": "--", "limit": 10}, ctx())
    assert "q" in caught.value.errors


def test_the_export_holds_record_history_guidance_and_the_other_services_part(cases):
    client = cases.register(loaded(), ctx())
    export = cases.export(client["id"], ctx("admin"))
    assert export["klien"]["client"]["id"] == client["id"] and len(export["klien"]["history"]) == 1
    assert export["exported_by"] == "admin-1" and "bimbingan" in export and "pokmas" in export


def handle(cases, event_type: str, data: dict, sequence: int = 1) -> None:
    handlers = subscriptions.bind(cases, cases.uow)
    handlers[event_type](None, build_event(region="r", service="bimbingan", type=event_type, subject=data["id"],
                                           sequence=sequence, data=data, correlation_id="c-2"))


def test_enrollment_events_keep_one_guidance_entry_per_enrollment(cases):
    client = cases.register(loaded(), ctx())
    enrollment = enrollment_data(client["id"])
    handle(cases, "bimbingan.enrollment.created", enrollment)
    handle(cases, "bimbingan.enrollment.attention_required",
           {**enrollment, "sessions_missed": 3, "consecutive_absences": 3}, 2)
    guidance = cases.get(client["id"], ctx())["guidance"]
    assert (guidance["active_enrollments"], guidance["sessions_missed"], guidance["attention_required"]) == (1, 3, 1)


def test_every_consumed_event_with_malformed_data_is_refused_and_changes_nothing(cases):
    for event_type in subscriptions.event_types:
        with pytest.raises(ValueError, match="data does not match"):
            handle(cases, event_type, {**enrollment_data(str(uuid.uuid4())), "client_id": "klien:client:x"})
    assert cases.uow.commits == 0


def test_a_partner_gets_403_for_a_missing_client(cases):
    with pytest.raises(Forbidden):
        cases.get(str(uuid.uuid4()), ctx("partner", group_id=str(uuid.uuid4())))
    with pytest.raises(NotFound):
        cases.get(str(uuid.uuid4()), ctx("officer"))
