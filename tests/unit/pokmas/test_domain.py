"""pokmas's rules without I/O: the agreement life cycle, expiry, programs, utilization, compliance."""
import random
from datetime import date, timedelta

import pytest

from services.pokmas import domain
from shared.context import CommandContext
from shared.errors import Conflict, Invalid

CTX = CommandContext(actor="admin-1", role="admin", correlation_id="c-1", at="2026-11-28T01:00:00.000Z")
TODAY = date(2026, 11, 28)


def program(**overrides) -> dict:
    return {"id": "p-1", "name": "Menjahit", "guidance_type": "kemandirian", "capacity": 5,
            "created_at": CTX.at, **overrides}


def agreement(status: str = "draft", **overrides) -> dict:
    body = {"group_id": "g-1", "number": "PKS-1", "signed_on": "2026-01-01", "valid_from": "2026-01-01",
            "valid_until": "2026-12-31"}
    return {**domain.new_agreement("a-1", body, [program()], CTX)[0], "status": status, **overrides}


def test_a_new_agreement_is_a_draft_at_version_one():
    created = agreement()
    assert created["status"] == "draft" and created["version"] == 1 and created["created_by"] == "admin-1"
    _, events = domain.new_agreement("a-1", {k: created[k] for k in ("group_id", "number", "signed_on", "valid_from",
                                                                     "valid_until")}, [program()], CTX)
    assert [(e.type, e.subject, e.sequence) for e in events] == [("pokmas.agreement.created", "a-1", 1)]


@pytest.mark.parametrize("valid_until", ["2026-01-01", "2025-12-31"])
def test_valid_from_must_come_before_valid_until(valid_until):
    body = {"group_id": "g-1", "number": "PKS-1", "signed_on": "2026-01-01", "valid_from": "2026-01-01",
            "valid_until": valid_until}
    with pytest.raises(Invalid) as error:
        domain.new_agreement("a-1", body, [program()], CTX)
    assert "valid_until" in error.value.errors


def test_a_pks_cannot_be_signed_after_it_became_valid():
    body = {"group_id": "g-1", "number": "PKS-1", "signed_on": "2026-01-02", "valid_from": "2026-01-01",
            "valid_until": "2026-12-31"}
    with pytest.raises(Invalid) as error:
        domain.new_agreement("a-1", body, [program()], CTX)
    assert list(error.value.errors) == ["signed_on"]
    assert domain.new_agreement("a-1", {**body, "signed_on": "2026-01-01"}, [program()], CTX)[0]["version"] == 1


@pytest.mark.parametrize("today", [date(2026, 1, 1), TODAY, date(2026, 12, 31)])
def test_activation_within_the_validity_period(today):
    for status in ("draft", "suspended"):
        active, events = domain.activate(agreement(status), today, CTX)
        assert active["status"] == "active" and active["version"] == 2
        assert [(e.type, e.sequence, e.data["status"]) for e in events] == [("pokmas.agreement.activated", 2, "active")]


@pytest.mark.parametrize("today", [date(2025, 12, 31), date(2027, 1, 1)])
def test_no_activation_outside_the_validity_period(today):
    with pytest.raises(Conflict, match="validity period 2026-01-01 to 2026-12-31"):
        domain.activate(agreement(), today, CTX)


ILLEGAL = [
    (domain.activate, ("active", "terminated", "expired")),
    (domain.resume, ("draft", "active", "terminated", "expired")),
    (lambda a, t, c: domain.suspend(a, None, c), ("draft", "suspended", "terminated", "expired")),
    (lambda a, t, c: domain.terminate(a, "r", c), ("draft", "terminated", "expired")),
    (domain.expire, ("draft", "suspended", "terminated", "expired")),
]


@pytest.mark.parametrize("change, statuses", ILLEGAL)
def test_every_illegal_transition_names_the_current_status(change, statuses):
    for status in statuses:
        with pytest.raises(Conflict, match=f"current status is {status}"):
            change(agreement(status), date(2027, 6, 1), CTX)


def test_legal_transitions_keep_who_and_why():
    suspended, events = domain.suspend(agreement("active"), "audit", CTX)
    assert [e.type for e in events] == ["pokmas.agreement.suspended"]
    assert (suspended["status"], suspended["suspension_reason"], suspended["suspended_by"]) == (
        "suspended", "audit", "admin-1")
    for status in ("active", "suspended"):
        ended, events = domain.terminate(agreement(status), "dissolved", CTX)
        assert [e.type for e in events] == ["pokmas.agreement.terminated"]
        assert ended["status"] == "terminated" and ended["termination_reason"] == "dissolved"


def test_an_agreement_is_due_only_once_its_last_valid_day_has_passed():
    active = agreement("active")
    assert not domain.is_due(active, date(2026, 12, 31))
    assert domain.is_due(active, date(2027, 1, 1))
    assert not domain.is_due(agreement("suspended"), date(2027, 1, 1))
    expired, events = domain.expire(active, date(2027, 1, 1), CTX)
    assert expired["status"] == "expired" and [e.type for e in events] == ["pokmas.agreement.expired"]
    with pytest.raises(Conflict, match="valid until 2026-12-31"):
        domain.expire(active, date(2026, 12, 31), CTX)


def test_a_drafts_programs_change_freely():
    grown, events = domain.add_program(agreement(), program(id="p-2"), CTX)
    assert [e.type for e in events] == ["pokmas.agreement.programs_changed"]
    assert [p["id"] for p in grown["programs"]] == ["p-1", "p-2"] and grown["version"] == 2
    changed, _ = domain.change_program(agreement(), "p-1", {"capacity": 1, "guidance_type": "kepribadian"}, CTX)
    assert changed["programs"][0]["capacity"] == 1 and changed["programs"][0]["guidance_type"] == "kepribadian"


def test_an_active_agreements_programs_only_grow_in_capacity():
    active = agreement("active")
    assert domain.change_program(active, "p-1", {"capacity": 9, "name": "Menjahit"}, CTX)[0]["programs"][0][
        "capacity"] == 9
    for change in ({"capacity": 4}, {"name": "Las"}, {"guidance_type": "kepribadian"}):
        with pytest.raises(Conflict, match="current status is active"):
            domain.change_program(active, "p-1", change, CTX)
    with pytest.raises(Conflict, match="current status is active"):
        domain.add_program(active, program(id="p-2"), CTX)


@pytest.mark.parametrize("status", ["suspended", "terminated", "expired"])
def test_programs_of_other_statuses_do_not_change(status):
    with pytest.raises(Conflict, match=f"current status is {status}"):
        domain.change_program(agreement(status), "p-1", {"capacity": 9}, CTX)


def test_event_data_carries_state_without_reasons():
    data = domain.agreement_event_data(domain.terminate(agreement("active"), "the secret reason", CTX)[0])
    # a program's name is not personal data: klien shows it in the guidance view (issue 13)
    assert data == {"id": "a-1", "group_id": "g-1", "number": "PKS-1", "status": "terminated",
                    "valid_from": "2026-01-01", "valid_until": "2026-12-31",
                    "programs": [{"id": "p-1", "name": "Menjahit", "guidance_type": "kemandirian", "capacity": 5}]}


def test_utilization_is_derived_from_entries_and_a_program_is_open_until_full():
    entries = [{"status": s} for s in ("enrolled", "enrolled", "completed", "withdrawn", "withdrawn")]
    assert domain.utilization(entries) == {"enrolled": 5, "active": 2, "completed": 1, "withdrawn": 2}
    assert domain.is_open("active", 3, 2) and not domain.is_open("active", 2, 2)
    assert not domain.is_open("suspended", 3, 0)


def test_counts_kept_change_by_change_equal_the_counts_derived_from_the_entries():
    rng = random.Random(7)
    entries, counts = {}, domain.utilization([])
    for _ in range(500):
        enrollment_id, status = f"e-{rng.randrange(40)}", rng.choice(("enrolled", "completed", "withdrawn"))
        before = entries.get(enrollment_id)
        counts = domain.recounted(counts, before and before["status"], status)
        entries[enrollment_id] = {"status": status}
        assert counts == domain.utilization(list(entries.values()))


def test_the_same_state_again_changes_no_count():
    counts = {"enrolled": 3, "active": 1, "completed": 1, "withdrawn": 1}
    for status in ("enrolled", "completed", "withdrawn"):
        assert domain.recounted(counts, status, status) == counts


def test_names_compare_without_case_or_extra_spaces():
    assert domain.name_key("  Yayasan  HARAPAN ") == domain.name_key("yayasan harapan")


def test_compliance_counts_statuses_and_lists_what_expires_within_60_days():
    def a(i, status, valid_until):
        return {"id": f"a-{i}", "number": f"PKS-{i}", "group_id": "g-1", "status": status, "valid_until": valid_until}

    soon = (TODAY + timedelta(days=60)).isoformat()
    agreements = [a(1, "active", soon), a(2, "suspended", "2026-12-01"), a(3, "active", "2027-06-01"),
                  a(4, "draft", "2026-12-01"), a(5, "expired", "2026-11-01"),
                  a(6, "active", (TODAY + timedelta(days=61)).isoformat())]
    groups = [{"id": "g-1", "name": "B"}, {"id": "g-2", "name": "a"}]
    summary = domain.compliance("palembang", groups, agreements, {"g-1": 4}, TODAY)
    assert summary["agreements_by_status"] == {"draft": 1, "active": 3, "suspended": 1, "terminated": 0,
                                               "expired": 1}
    assert [e["id"] for e in summary["expiring_within_60_days"]] == ["a-2", "a-1"]
    assert summary["clients_served"] == [{"group_id": "g-2", "name": "a", "clients": 0},
                                         {"group_id": "g-1", "name": "B", "clients": 4}]
