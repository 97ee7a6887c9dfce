"""bimbingan's use cases and handlers with fakes: enrolling on fresh replicas, partner scoping, versions,
attendance and attention, and the reactions that withdraw enrollments."""
import uuid
from datetime import date, datetime, timezone

import pytest

from services.bimbingan.handlers import subscriptions
from services.bimbingan.usecases import Enrollments, FreshReplicas, Reactions, Sessions
from shared.audit import AuditEntry
from shared.context import CommandContext
from shared.envelope import build_event
from shared.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from tests.unit.bimbingan.fakes import FakeFreshness, unit_of_work

TODAY = date(2026, 11, 28)


def ctx(role="officer", group_id=None, audit=None):
    return CommandContext(actor=f"{role}-1", role=role, correlation_id="c-1", group_id=group_id, audit=audit)


class World:
    def __init__(self):
        self.uow = unit_of_work()
        self.freshness = FakeFreshness()
        self.handlers = subscriptions.bind(Reactions(today=lambda: TODAY), self.uow)
        self.freshness.apply = self.apply
        fresh = FreshReplicas(self.uow, self.freshness)
        self.enrollments = Enrollments(self.uow, fresh, today=lambda: TODAY)
        self.sessions = Sessions(self.uow, fresh)
        self.sequences = {}

    def event(self, event_type: str, data: dict) -> dict:
        sequence = self.sequences[data["id"]] = self.sequences.get(data["id"], 0) + 1
        return build_event(region="r", service=event_type.split(".")[0], type=event_type, subject=data["id"],
                           sequence=sequence, data=data, correlation_id="c-ev")

    def apply(self, event: dict) -> None:
        self.handlers[event["type"]](None, event)

    def client(self, status="active", client_id=None) -> str:
        client_id = client_id or str(uuid.uuid4())
        self.apply(self.event("klien.client.registered", {"id": client_id, "status": status}))
        return client_id

    def agreement(self, status="active", capacity=5, group_id=None) -> dict:
        data = {"id": str(uuid.uuid4()), "group_id": group_id or str(uuid.uuid4()), "status": status,
                "programs": [{"id": str(uuid.uuid4()), "guidance_type": "kemandirian", "capacity": capacity}]}
        self.apply(self.event("pokmas.agreement.activated", data))
        return {**data, "program_id": data["programs"][0]["id"]}

    def enroll(self, client_id, agreement, **body):
        return self.enrollments.enroll({"client_id": uuid.UUID(client_id),
                                        "program_id": uuid.UUID(agreement["program_id"]), **body}, ctx())

    def session(self, agreement) -> dict:
        return self.sessions.schedule({"program_id": uuid.UUID(agreement["program_id"]), "topic": "t",
                                       "facilitator": "f", "delivery": "in_person",
                                       "starts_at": datetime(2026, 12, 1, 2, tzinfo=timezone.utc)}, ctx())


@pytest.fixture
def world():
    return World()


def test_an_enrollment_is_committed_with_its_event_and_the_audit_entry(world):
    agreement, client = world.agreement(), world.client()
    audit = AuditEntry({"action": "write"})
    enrollment = world.enrollments.enroll({"client_id": uuid.UUID(client),
                                           "program_id": uuid.UUID(agreement["program_id"]), "note": "n"},
                                          ctx(audit=audit))
    assert (enrollment["status"], enrollment["start_date"], enrollment["group_id"]) == (
        "enrolled", "2026-11-28", agreement["group_id"])
    assert [e.type for e in world.uow.published()] == ["bimbingan.enrollment.created"] and audit.committed


def test_unknown_ids_are_looked_up_in_the_owners_feeds_before_a_422(world):
    agreement = world.agreement()
    client_id = str(uuid.uuid4())
    world.freshness.pending["klien"].append(world.event("klien.client.registered",
                                                        {"id": client_id, "status": "active"}))
    assert world.enroll(client_id, agreement)["client_id"] == client_id
    with pytest.raises(Invalid) as caught:
        world.enroll(str(uuid.uuid4()), {"program_id": str(uuid.uuid4())})
    assert set(caught.value.errors) == {"client_id", "program_id"}


def test_a_refusal_on_a_lagging_replica_is_decided_again_after_a_catch_up(world):
    agreement, client = world.agreement(capacity=1), world.client()
    world.enroll(client, agreement)
    grown = {**{k: agreement[k] for k in ("id", "group_id", "status")},
             "programs": [{**agreement["programs"][0], "capacity": 2}]}
    world.freshness.pending["pokmas"].append(world.event("pokmas.agreement.programs_changed", grown))
    assert world.enroll(world.client(), agreement)["status"] == "enrolled"
    world.freshness.reachable = False
    with pytest.raises(Conflict, match="full"):
        world.enroll(world.client(), agreement)


def test_the_four_refusals_of_an_enrollment(world):
    agreement, client = world.agreement(capacity=1), world.client()
    with pytest.raises(Conflict, match="not active"):
        world.enroll(world.client(status="revoked"), agreement)
    world.enroll(client, agreement)
    with pytest.raises(Conflict, match="already has an open enrollment"):
        world.enroll(client, agreement)
    with pytest.raises(Conflict, match="full"):
        world.enroll(world.client(), agreement)
    with pytest.raises(Conflict, match="agreement is not active"):
        world.enroll(world.client(), world.agreement(status="suspended"))


def test_endings_check_the_version_and_the_group(world):
    agreement = world.agreement()
    enrollment = world.enroll(world.client(), agreement)
    with pytest.raises(PreconditionFailed):
        world.enrollments.complete(enrollment["id"], {"outcome": "achieved", "summary": "s"}, 9, ctx())
    with pytest.raises(Forbidden):
        world.enrollments.withdraw(enrollment["id"], {"reason_code": "other"}, None,
                                   ctx("partner", group_id=str(uuid.uuid4())))
    done = world.enrollments.complete(enrollment["id"], {"outcome": "achieved", "summary": "s"}, 1, ctx())
    assert (done["status"], done["ended_on"]) == ("completed", "2026-11-28")
    with pytest.raises(Conflict):
        world.enrollments.withdraw(enrollment["id"], {"reason_code": "other"}, None, ctx())
    with pytest.raises(NotFound):
        world.enrollments.complete(str(uuid.uuid4()), {"outcome": "achieved", "summary": "s"}, None, ctx())


def test_a_partner_sees_its_own_groups_records_without_the_pks_notes(world):
    mine, theirs = world.agreement(), world.agreement()
    own = world.enroll(world.client(), mine, note="private")
    other = world.enroll(world.client(), theirs)
    partner = ctx("partner", group_id=mine["group_id"])
    shown = world.enrollments.get(own["id"], partner)
    assert "note" not in shown and "withdrawal_note" not in shown and shown["attendance"] == []
    with pytest.raises(Forbidden):
        world.enrollments.get(other["id"], partner)
    listed = world.enrollments.page({"cursor": None, "limit": 10}, partner)["items"]
    assert [e["id"] for e in listed] == [own["id"]] and "note" not in listed[0]
    with pytest.raises(Forbidden):
        world.enrollments.page({"group_id": uuid.UUID(theirs["group_id"]), "cursor": None, "limit": 10}, partner)
    session = world.session(theirs)
    with pytest.raises(Forbidden):
        world.sessions.get(session["id"], partner)
    with pytest.raises(Forbidden):
        world.sessions.record_attendance(session["id"], [{"enrollment_id": uuid.UUID(other["id"]),
                                                          "attendance": "present"}], partner)
    assert world.sessions.page({"cursor": None, "limit": 10}, partner)["items"] == []


def test_three_absences_in_a_row_raise_attention_once(world):
    agreement = world.agreement()
    enrollment = world.enroll(world.client(), agreement)
    for _ in range(3):
        session = world.session(agreement)
        result = world.sessions.record_attendance(session["id"], [{"enrollment_id": uuid.UUID(enrollment["id"]),
                                                                   "attendance": "absent"}], ctx())
    assert result["enrollments"][0]["consecutive_absences"] == 3
    assert [e.type for e in world.uow.published() if e.subject == enrollment["id"]] == [
        "bimbingan.enrollment.created", "bimbingan.attendance.recorded", "bimbingan.attendance.recorded",
        "bimbingan.attendance.recorded", "bimbingan.enrollment.attention_required"]
    marked = world.sessions.get(session["id"], ctx())["attendance"]
    assert [(m["enrollment_id"], m["attendance"]) for m in marked] == [(enrollment["id"], "absent")]


def test_attendance_is_refused_for_an_unknown_enrollment_or_a_session_not_scheduled(world):
    agreement = world.agreement()
    session = world.session(agreement)
    with pytest.raises(Invalid) as caught:
        world.sessions.record_attendance(session["id"], [{"enrollment_id": uuid.uuid4(), "attendance": "present"}],
                                         ctx())
    assert "records.0.enrollment_id" in caught.value.errors
    with pytest.raises(PreconditionFailed):
        world.sessions.cancel(session["id"], {"reason": "rain"}, 3, ctx())
    world.sessions.cancel(session["id"], {"reason": "rain"}, 1, ctx())
    with pytest.raises(Conflict):
        world.sessions.record_attendance(session["id"], [{"enrollment_id": uuid.uuid4(), "attendance": "present"}],
                                         ctx())
    with pytest.raises(Conflict):
        world.sessions.reschedule(session["id"], {"starts_at": datetime(2026, 12, 2, tzinfo=timezone.utc),
                                                   "reason": "x"}, None, ctx())


def test_a_session_needs_an_active_agreement(world):
    with pytest.raises(Conflict, match="agreement is not active"):
        world.session(world.agreement(status="draft"))


def test_a_client_that_ends_has_its_open_enrollments_withdrawn_once(world):
    client = world.client()
    first, second = world.agreement(), world.agreement()
    open_one = world.enroll(client, first)
    done = world.enroll(client, second)
    world.enrollments.complete(done["id"], {"outcome": "achieved", "summary": "s"}, None, ctx())
    ended = world.event("klien.client.status_changed", {"id": client, "status": "revoked"})
    world.apply(ended)
    world.apply(ended)              # the handler is idempotent on its own; the Applier also drops duplicates
    withdrawn = world.uow.published("bimbingan.enrollment.withdrawn")
    assert [(e.subject, e.data["reason_code"]) for e in withdrawn] == [(open_one["id"], "client_ended")]
    assert world.enrollments.get(done["id"], ctx())["status"] == "completed"


@pytest.mark.parametrize("status", ["suspended", "terminated", "expired"])
def test_an_agreement_that_ends_withdraws_its_programs_open_enrollments(world, status):
    agreement = world.agreement()
    enrollment = world.enroll(world.client(), agreement)
    world.apply(world.event(f"pokmas.agreement.{status}", {**{k: agreement[k] for k in ("id", "group_id",
                                                                                        "programs")},
                                                            "status": status}))
    [event] = world.uow.published("bimbingan.enrollment.withdrawn")
    assert (event.subject, event.data["reason_code"], event.data["ended_on"]) == (
        enrollment["id"], "agreement_ended", "2026-11-28")
    assert world.uow.replicas.program(agreement["program_id"])["agreement_status"] == status


def test_a_draft_that_loses_a_program_drops_its_replica(world):
    draft = {"id": str(uuid.uuid4()), "group_id": str(uuid.uuid4()), "status": "draft",
             "programs": [{"id": str(uuid.uuid4()), "capacity": 1}, {"id": str(uuid.uuid4()), "capacity": 1}]}
    world.apply(world.event("pokmas.agreement.created", draft))
    kept, dropped = draft["programs"]
    world.apply(world.event("pokmas.agreement.programs_changed", {**draft, "programs": [kept]}))
    assert world.uow.replicas.program(dropped["id"]) is None and world.uow.replicas.program(kept["id"])


def test_every_consumed_event_with_malformed_data_is_refused_and_changes_nothing(world):
    for event_type in subscriptions.event_types:
        event = build_event(region="r", service=event_type.split(".")[0], type=event_type, subject="x", sequence=1,
                            data={"id": "not-a-uuid", "status": "active"}, correlation_id="c")
        with pytest.raises(ValueError, match="data does not match"):
            world.apply(event)
    assert world.uow.commits == 0


def test_a_partner_cannot_probe_what_exists(world):
    mine, theirs = world.agreement(), world.agreement()
    partner = ctx("partner", group_id=mine["group_id"])
    other = world.enroll(world.client(), theirs)
    for read in (world.enrollments.get, world.sessions.get):
        with pytest.raises(Forbidden):
            read(str(uuid.uuid4()), partner)
    session = world.session(mine)
    refusals = []
    for enrollment_id in (other["id"], str(uuid.uuid4())):
        with pytest.raises(Invalid) as caught:
            world.sessions.record_attendance(session["id"], [{"enrollment_id": uuid.UUID(enrollment_id),
                                                              "attendance": "present"}], partner)
        refusals.append(caught.value.errors)
    assert refusals[0] == refusals[1]


def test_the_attendance_answer_to_a_partner_holds_no_pk_only_field(world):
    agreement = world.agreement()
    enrollment = world.enroll(world.client(), agreement, note="private")
    session = world.session(agreement)
    answer = world.sessions.record_attendance(session["id"], [{"enrollment_id": uuid.UUID(enrollment["id"]),
                                                               "attendance": "present"}],
                                              ctx("partner", group_id=agreement["group_id"]))
    assert not {"note", "withdrawal_note", "summary"} & set(answer["enrollments"][0])
