"""laporan's pure rules: what each fact counts for, in which month and office."""
from zoneinfo import ZoneInfo

from services.laporan import domain

WIB = ZoneInfo("Asia/Jakarta")
CLIENT = {"bapas_office": "palembang", "supervision_type": "PB", "supervision_start": "2026-11-03",
          "status": "active", "status_effective_date": None}
ENROLLMENT = {"client_id": "c1", "group_id": "g1", "program_id": "p1", "status": "enrolled",
              "start_date": "2026-11-05", "ended_on": None, "outcome": None}
GROUP = {"bapas_office": "baturaja"}
PROGRAM = {"guidance_type": "kemandirian"}
SESSION = {"group_id": "g1", "program_id": "p1", "starts_at": "2026-11-30T17:00:00.000Z", "status": "scheduled"}


def test_months_are_read_on_the_deployments_calendar():
    assert domain.month_of_instant("2026-11-30T16:59:59.000Z", WIB) == "2026-11"
    assert domain.month_of_instant("2026-11-30T17:00:00.000Z", WIB) == "2026-12"   # 00:00 WIB on 1 December
    assert domain.month_of_instant("2026-11-30T17:00:00.000Z", ZoneInfo("UTC")) == "2026-11"
    assert domain.month_of("2026-02-28") == "2026-02"


def test_a_client_starts_in_its_office_and_ends_in_the_month_of_the_effective_date():
    assert domain.client_contributions(CLIENT) == [("office", "palembang", "2026-11", "clients.started"),
                                                   ("office", "palembang", "2026-11", "clients.started.PB")]
    ended = {**CLIENT, "status": "transferred", "status_effective_date": "2027-01-10"}
    assert domain.client_contributions(ended)[2:] == [
        ("office", "palembang", "2027-01", "clients.ended.transferred"),
        ("office", "palembang", "2027-01", "clients.ended_type.PB")]


def test_an_end_dated_before_the_start_counts_in_the_start_month():
    ended = {**CLIENT, "status": "revoked", "status_effective_date": "2026-10-01"}
    assert ("office", "palembang", "2026-11", "clients.ended.revoked") in domain.client_contributions(ended)


def test_enrollments_count_in_the_clients_office_and_completions_also_for_the_group_in_its_office():
    done = {**ENROLLMENT, "status": "completed", "ended_on": "2026-12-01", "outcome": "achieved"}
    got = domain.enrollment_contributions(done, CLIENT, GROUP, PROGRAM)
    assert ("office", "palembang", "2026-11", "enrollments.created") in got
    assert ("office", "palembang", "2026-12", "enrollments.completed") in got
    assert ("office", "palembang", "2026-12", "guidance.kemandirian.enrollments_completed") in got
    assert ("group", "g1", "2026-12", "completed") in got and ("group", "g1", "2026-12", "outcome.achieved") in got
    assert ("office_group", "baturaja", "2026-12", "g1") in got


def test_without_the_client_or_group_replica_a_fact_waits():
    assert domain.enrollment_contributions(ENROLLMENT, None, None, None) == []
    assert domain.mark_contributions("present", ENROLLMENT, SESSION, None, None, None, WIB) == []
    assert domain.mark_contributions("present", ENROLLMENT, None, CLIENT, GROUP, PROGRAM, WIB) == []
    assert domain.session_contributions(SESSION, True, None, PROGRAM, WIB) == []


def test_a_mark_counts_in_its_sessions_month_and_a_cancelled_sessions_mark_not_at_all():
    got = domain.mark_contributions("late", ENROLLMENT, SESSION, CLIENT, GROUP, PROGRAM, WIB)
    assert got == [("office", "palembang", "2026-12", "attendance.late"),
                   ("office", "palembang", "2026-12", "guidance.kemandirian.attendance.late"),
                   ("group", "g1", "2026-12", "marks.late"), ("office_group", "baturaja", "2026-12", "g1"),
                   ("participant", "g1", "2026-12", "c1")]
    absent = domain.mark_contributions("absent", ENROLLMENT, SESSION, CLIENT, GROUP, PROGRAM, WIB)
    assert not any(c[0] == "participant" for c in absent)
    cancelled = {**SESSION, "status": "cancelled"}
    assert domain.mark_contributions("late", ENROLLMENT, cancelled, CLIENT, GROUP, PROGRAM, WIB) == []


def test_a_session_is_held_once_attendance_was_recorded_for_it():
    assert domain.session_contributions(SESSION, False, GROUP, PROGRAM, WIB) == []
    assert ("group", "g1", "2026-12", "sessions_held") in domain.session_contributions(SESSION, True, GROUP,
                                                                                        PROGRAM, WIB)


def test_changes_take_away_what_went_and_add_what_came_and_nothing_when_equal():
    a, b, c = ("office", "o", "2026-11", "x"), ("office", "o", "2026-11", "y"), ("office", "o", "2026-12", "x")
    assert domain.changes([a, b], [a, b]) == []
    assert domain.changes([a, b], [b, c]) == [(a, -1), (c, 1)]
    assert domain.changes([], [a, a]) == [(a, 1), (a, 1)]
    assert domain.changes([a, a], [a]) == [(a, -1)]
