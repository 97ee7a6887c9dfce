"""pokmas's use cases and its handler with fakes: partner scoping, versions, the agreement life cycle,
expiry and the utilization view."""
import uuid
from datetime import date, timedelta

import pytest

from services.pokmas import domain
from services.pokmas.handlers import subscriptions
from shared.audit import AuditEntry
from shared.context import CommandContext
from shared.envelope import build_event
from shared.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from tests.unit.pokmas.fakes import use_cases

TODAY = date(2026, 11, 28)


def ctx(role="admin", group_id=None, audit=None):
    return CommandContext(actor=f"{role}-1", role=role, correlation_id="c-1", group_id=group_id, audit=audit)


def group_body(name="Yayasan Harapan", **overrides):
    return {"name": name, "legal_form": "yayasan", "address": "Jl. Sudirman 10", "contact": "0711-1",
            "bapas_office": "palembang", **overrides}


def agreement_body(group_id, number="PKS-1", capacity=2, **overrides):
    return {"group_id": uuid.UUID(group_id), "number": number, "signed_on": TODAY - timedelta(days=20),
            "valid_from": TODAY - timedelta(days=10), "valid_until": TODAY + timedelta(days=30),
            "programs": [{"name": "Menjahit", "guidance_type": "kemandirian", "capacity": capacity}], **overrides}


@pytest.fixture
def pokmas():
    return use_cases(TODAY)


@pytest.fixture
def active(pokmas):
    groups, agreements, *_ = pokmas
    group = groups.register(group_body(), ctx())
    agreement = agreements.create(agreement_body(group["id"]), ctx())
    return agreements.activate(agreement["id"], None, ctx())


def test_a_group_is_registered_once_per_name_and_announced(pokmas):
    groups, *_, uow = pokmas
    audit = AuditEntry({"action": "write"})
    group = groups.register(group_body(), ctx(audit=audit))
    assert audit.committed and [e.type for e in uow.events] == ["pokmas.group.registered"]
    with pytest.raises(Conflict):
        groups.register(group_body(name="  yayasan HARAPAN "), ctx())
    assert uow.commits == 1 and groups.get(group["id"], ctx())["version"] == 1


def test_a_group_update_checks_the_version_and_a_no_op_commits_nothing(pokmas):
    groups, *_, uow = pokmas
    group = groups.register(group_body(), ctx())
    with pytest.raises(PreconditionFailed):
        groups.update(group["id"], {"contact": "x"}, 5, ctx())
    assert groups.update(group["id"], {"contact": "0711-1"}, 1, ctx())["version"] == 1
    assert groups.update(group["id"], {"contact": "0711-2"}, 1, ctx())["version"] == 2
    assert [e.type for e in uow.events] == ["pokmas.group.registered", "pokmas.group.updated"]


def test_a_partner_reads_and_lists_only_its_own_group(pokmas):
    groups, agreements, catalogue, _, _ = pokmas
    mine, theirs = groups.register(group_body("A"), ctx()), groups.register(group_body("B"), ctx())
    partner = ctx("partner", group_id=mine["id"])
    assert groups.get(mine["id"], partner)["id"] == mine["id"]
    with pytest.raises(Forbidden):
        groups.get(theirs["id"], partner)
    assert [g["id"] for g in groups.page({"cursor": None, "limit": 10}, partner)["items"]] == [mine["id"]]
    theirs_agreement = agreements.create(agreement_body(theirs["id"]), ctx())
    with pytest.raises(Forbidden):
        agreements.get(theirs_agreement["id"], partner)
    with pytest.raises(Forbidden):
        agreements.page({"group_id": uuid.UUID(theirs["id"]), "cursor": None, "limit": 10}, partner)
    assert agreements.page({"cursor": None, "limit": 10}, partner)["items"] == []
    with pytest.raises(Forbidden):
        catalogue.get(theirs_agreement["programs"][0]["id"], partner)
    with pytest.raises(Forbidden):
        catalogue.compliance("palembang", partner)


def test_an_agreement_needs_a_known_group_and_a_free_number(pokmas):
    groups, agreements, *_ = pokmas
    with pytest.raises(Invalid) as caught:
        agreements.create(agreement_body(str(uuid.uuid4())), ctx())
    assert "group_id" in caught.value.errors
    group = groups.register(group_body(), ctx())
    agreements.create(agreement_body(group["id"]), ctx())
    with pytest.raises(Conflict):
        agreements.create(agreement_body(group["id"], number="pks-1"), ctx())


def test_the_life_cycle_announces_each_step_and_checks_versions(pokmas, active):
    _, agreements, *_, uow = pokmas
    with pytest.raises(PreconditionFailed):
        agreements.suspend(active["id"], {"reason": None}, 1, ctx())
    agreements.suspend(active["id"], {"reason": None}, 2, ctx())
    agreements.resume(active["id"], None, ctx())
    agreements.terminate(active["id"], {"reason": "dissolved"}, None, ctx())
    assert [e.type for e in uow.events if e.subject == active["id"]] == [
        "pokmas.agreement.created", "pokmas.agreement.activated", "pokmas.agreement.suspended",
        "pokmas.agreement.activated", "pokmas.agreement.terminated"]
    with pytest.raises(NotFound):
        agreements.activate(str(uuid.uuid4()), None, ctx())


def test_programs_change_and_an_unknown_program_is_404(pokmas, active):
    _, agreements, *_ = pokmas
    grown = agreements.change_program(active["id"], active["programs"][0]["id"], {"capacity": 5}, None, ctx())
    assert grown["programs"][0]["capacity"] == 5
    with pytest.raises(NotFound):
        agreements.change_program(active["id"], str(uuid.uuid4()), {"capacity": 6}, None, ctx())
    with pytest.raises(Conflict):
        agreements.add_program(active["id"], {"name": "Las", "guidance_type": "kemandirian", "capacity": 1},
                               None, ctx())


def test_due_agreements_expire_once(pokmas, active):
    _, agreements, *_, uow = pokmas
    assert agreements.expire_due(TODAY) == 0
    assert agreements.expire_due(TODAY + timedelta(days=31)) == 1
    assert agreements.expire_due(TODAY + timedelta(days=31)) == 0
    assert [e.type for e in uow.events][-1] == "pokmas.agreement.expired"


def enrollment_event(program, group_id, status="enrolled", sequence=1, enrollment_id=None, client_id=None):
    data = {"id": enrollment_id or str(uuid.uuid4()), "client_id": client_id or str(uuid.uuid4()),
            "program_id": program["id"], "group_id": group_id, "agreement_id": str(uuid.uuid4()), "status": status,
            "start_date": "2026-11-28", "sessions_attended": 0, "sessions_missed": 0, "consecutive_absences": 0,
            "outcome": None, "reason_code": None, "ended_on": None}
    return build_event(region="r", service="bimbingan", type="bimbingan.enrollment.created", subject=data["id"],
                       sequence=sequence, data=data, correlation_id="c-2")


def test_enrollment_events_count_utilization_and_close_a_full_program(pokmas, active):
    _, agreements, catalogue, utilization, uow = pokmas
    handlers = subscriptions.bind(utilization, uow)
    program = active["programs"][0]
    first = enrollment_event(program, active["group_id"])
    for event in (first, enrollment_event(program, active["group_id"])):
        handlers[event["type"]](None, event)
    view = agreements.get(active["id"], ctx())["programs"][0]
    assert view["utilization"]["active"] == 2 and view["open"] is False
    assert catalogue.page({"open": True, "cursor": None, "limit": 10}, ctx())["items"] == []
    handlers[first["type"]](None, {**first, "data": {**first["data"], "status": "withdrawn"}, "sequence": 2})
    assert [p["id"] for p in catalogue.page({"open": True, "cursor": None, "limit": 10}, ctx())["items"]] == [
        program["id"]]
    summary = catalogue.compliance("palembang", ctx("auditor"))
    assert summary["clients_served"][0]["clients"] == 2


def test_an_enrollment_state_applied_twice_counts_once(pokmas, active):
    """A view rebuild re-applies events the inbox has seen: each counts by the entry it replaces."""
    _, agreements, _, utilization, uow = pokmas
    handlers = subscriptions.bind(utilization, uow)
    program = active["programs"][0]
    created = enrollment_event(program, active["group_id"])
    withdrawn = {**created, "data": {**created["data"], "status": "withdrawn"}, "sequence": 2}
    for event in (created, created, withdrawn, withdrawn):
        handlers[event["type"]](None, event)
    assert uow.utilization.kept[program["id"]] == {"enrolled": 1, "active": 0, "completed": 0, "withdrawn": 1}
    assert agreements.get(active["id"], ctx())["programs"][0]["utilization"] == uow.utilization.kept[program["id"]]


def test_a_new_programs_counts_are_kept_from_the_start(pokmas):
    groups, agreements, *_, uow = pokmas
    draft = agreements.create(agreement_body(groups.register(group_body(), ctx())["id"]), ctx())
    added = agreements.add_program(draft["id"], {"name": "Las", "guidance_type": "kemandirian", "capacity": 4},
                                   None, ctx())
    assert {p["id"] for p in added["programs"]} == set(uow.utilization.kept)
    assert all(counts == domain.utilization([]) for counts in uow.utilization.kept.values())


def test_an_enrollment_event_with_malformed_data_is_refused(pokmas, active):
    *_, utilization, uow = pokmas
    handlers = subscriptions.bind(utilization, uow)
    event = enrollment_event(active["programs"][0], active["group_id"])
    for event_type in subscriptions.event_types:
        with pytest.raises(ValueError, match="data does not match"):
            handlers[event_type](None, {**event, "type": event_type,
                                        "data": {**event["data"], "program_id": "pokmas:agreement:x"}})
    assert uow.utilization.by_program == {}


def test_a_partner_gets_403_for_a_missing_record_and_others_get_404(pokmas):
    groups, agreements, catalogue, _, _ = pokmas
    partner = ctx("partner", group_id=str(uuid.uuid4()))
    for read in (groups.get, agreements.get, catalogue.get):
        with pytest.raises(Forbidden):
            read(str(uuid.uuid4()), partner)
        with pytest.raises(NotFound):
            read(str(uuid.uuid4()), ctx("officer"))
