"""klien's rules, without I/O."""
import pytest

from services.klien import domain
from shared.context import CommandContext
from shared.errors import Conflict, Invalid
from tests.support.klien_data import client_body, enrollment_data

CTX = CommandContext(actor="pk-1", role="officer", correlation_id="c", at="2026-11-28T01:00:00.000Z")
LATER = CommandContext(actor="pk-2", role="officer", correlation_id="c", at="2026-11-28T02:00:00.000Z")


def new(**overrides) -> dict:
    return domain.new_client(client_body(**overrides), "3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e", CTX)


def invalid_fields(**overrides) -> dict:
    with pytest.raises(Invalid) as caught:
        new(**overrides)
    return caught.value.errors


def test_a_new_client_is_active_at_version_1_with_who_and_when():
    client = new()
    assert (client["status"], client["version"]) == ("active", 1)
    assert (client["created_by"], client["created_at"]) == ("pk-1", "2026-11-28T01:00:00.000Z")


def test_supervision_must_start_before_it_ends():
    assert "supervision_end" in invalid_fields(supervision_start="2027-01-01", supervision_end="2027-01-01")
    assert "supervision_end" in invalid_fields(supervision_start="2027-02-01", supervision_end="2027-01-01")


def test_birth_date_must_come_before_supervision():
    assert "birth_date" in invalid_fields(birth_date="2026-06-01")


@pytest.mark.parametrize("supervision_type", ["PB", "CB", "CMB", "ASIMILASI"])
def test_parole_leave_and_assimilation_need_their_decree(supervision_type):
    assert "decree" in invalid_fields(supervision_type=supervision_type, decree=None)
    assert "decree" in invalid_fields(supervision_type=supervision_type, decree=...)


@pytest.mark.parametrize("supervision_type", ["PIDANA_BERSYARAT", "DIVERSI"])
def test_conditional_sentence_and_diversion_need_no_decree(supervision_type):
    assert new(supervision_type=supervision_type, decree=None, birth_date="2010-03-01")["decree"] is None


@pytest.mark.parametrize("birth_date, allowed", [("1970-01-01", False), ("2005-01-03", True),
                                                  ("2005-01-02", False), ("2014-01-02", True), ("2014-01-03", False)])
def test_diversion_is_for_children_at_least_12_and_under_21_when_it_starts(birth_date, allowed):
    body = {"supervision_type": "DIVERSI", "decree": None, "birth_date": birth_date}   # start 2026-01-02
    if allowed:
        assert new(**body)["supervision_type"] == "DIVERSI"
    else:
        assert "birth_date" in invalid_fields(**body)


def test_a_decree_cannot_postdate_the_start_of_supervision():
    assert "decree" in invalid_fields(decree={"number": "SK-1", "date": "2026-02-01"})


def test_a_correction_bumps_the_version_and_names_only_the_changed_fields():
    client = new()
    updated, entry, events = domain.correct(client, {"name": "Budi S.", "sex": "L", "officer_id": "pk-9"}, LATER)
    assert entry["fields"] == ["name", "officer_id"]
    assert [(e.type, e.subject, e.sequence) for e in events] == [("klien.client.updated", client["id"], 2)]
    assert (updated["version"], updated["updated_by"], updated["created_by"]) == (2, "pk-2", "pk-1")


def test_a_correction_that_changes_nothing_keeps_the_version():
    client = new()
    assert domain.correct(client, {"sex": "L"}, LATER) == (client, None, [])


def test_a_correction_is_checked_against_the_rules():
    with pytest.raises(Invalid) as caught:
        domain.correct(new(), {"supervision_end": "2025-01-01"}, LATER)
    assert "supervision_end" in caught.value.errors


def test_an_empty_correction_is_refused():
    with pytest.raises(Invalid):
        domain.correct(new(), {}, LATER)


@pytest.mark.parametrize("status", ["completed", "revoked", "transferred"])
def test_an_active_client_can_be_ended(status):
    ended, entry, events = domain.change_status(new(), status, "done", "2026-12-31", LATER)
    assert (entry["previous_status"], entry["effective_date"]) == ("active", "2026-12-31")
    assert [e.type for e in events] == ["klien.client.status_changed"] and events[0].data["status"] == status
    assert (ended["status"], ended["status_effective_date"]) == (status, "2026-12-31")
    assert ended["status_changed_by"] == "pk-2"
    assert ended["version"] == 2


def test_an_ended_client_cannot_change_status_again_and_the_error_names_the_status():
    ended = domain.change_status(new(), "revoked", "violation", "2026-12-31", LATER).client
    with pytest.raises(Conflict, match="current status is revoked"):
        domain.change_status(ended, "completed", "x", "2027-01-01", LATER)


def test_an_end_cannot_take_effect_before_supervision_started():
    with pytest.raises(Invalid) as caught:
        domain.change_status(new(), "completed", "x", "2025-12-31", LATER)
    assert "effective_date" in caught.value.errors


def test_events_carry_no_personal_data():
    data = domain.event_data(domain.change_status(new(), "transferred", "moved", "2026-06-01", LATER).client)
    assert not {"name", "nik", "address", "birth_date", "sex", "status_reason"} & set(data)
    assert (data["decree_number"], data["status_effective_date"]) == ("PAS-1.PK.05.09-123/2026", "2026-06-01")


def test_history_names_fields_and_not_their_values():
    client = new()
    entry = domain.correct(client, {"name": "Siti Aminah", "address": "Jl. Baru 2"}, LATER).history
    assert entry["fields"] == ["address", "name"] and (entry["by"], entry["version"]) == ("pk-2", 2)
    assert "Siti" not in str(entry) and "Baru" not in str(entry)


@pytest.mark.parametrize("role,shown", [("admin", "1671010101800001"), ("officer", "1671010101800001"),
                                        ("auditor", "************0001"), ("partner", "************0001")])
def test_nik_is_masked_for_all_but_admin_and_officer(role, shown):
    assert domain.shown_to(new(nik="1671010101800001"), role)["nik"] == shown


def test_search_matches_word_prefixes_of_name_and_register_number_in_any_case():
    client = new(name="Budi Santoso", register_number="PAS-2026-0042")
    for query in ("budi", "SANT", "budi san", "pas-2026", "0042", "pas20260042"):
        assert domain.matches(client, domain.words(query)), query
    for query in ("udi", "budi x", "2027"):
        assert not domain.matches(client, domain.words(query)), query


def test_a_client_is_found_once_per_search_prefix():
    client = new(name="Budi Budiman", register_number="X-1")
    assert domain.canonical_term(client, "bud") == "budi"


def test_guidance_counts_open_completed_attended_and_missed_from_the_entries():
    entries = [domain.guidance_entry(enrollment_data("c", status="enrolled", sessions_attended=2, sessions_missed=3,
                                                     consecutive_absences=3)),
               domain.guidance_entry(enrollment_data("c", status="completed", sessions_attended=5, sessions_missed=1,
                                                     ended_on="2026-06-01")),
               domain.guidance_entry(enrollment_data("c", status="withdrawn", sessions_attended=1))]
    view = domain.guidance(entries)
    assert (view["active_enrollments"], view["completed_programs"]) == (1, 1)
    assert (view["sessions_attended"], view["sessions_missed"], view["attention_required"]) == (8, 4, 1)
    assert len(view["enrollments"]) == 3


def test_attention_is_not_flagged_once_an_enrollment_has_ended():
    entry = domain.guidance_entry(enrollment_data("c", status="withdrawn", consecutive_absences=3))
    assert entry["attention_required"] is False
