"""bimbingan's rules without I/O."""
import pytest

from services.bimbingan import domain
from shared.context import CommandContext
from shared.errors import Conflict, Invalid

CTX = CommandContext(actor="pk-1", role="officer", correlation_id="c", at="2026-11-28T00:00:00.000Z")
PROGRAM = {"group_id": "g", "agreement_id": "a", "agreement_status": "active", "capacity": 2}


def enrollment(**changes):
    return {**domain.new_enrollment("e", "c", "p", PROGRAM, "2026-11-28", None, CTX)[0], **changes}


def marks(*attendance):
    return [{"session_id": f"s{i}", "starts_at": f"2026-12-{i + 1:02d}T00:00:00.000Z", "attendance": a}
            for i, a in enumerate(attendance)]


@pytest.mark.parametrize("client, program, open_count, already, message", [
    ({"status": "revoked"}, PROGRAM, 0, False, "current status is revoked"),
    ({"status": "active"}, {**PROGRAM, "agreement_status": "expired"}, 0, False, "current status is expired"),
    ({"status": "active"}, PROGRAM, 1, True, "already has an open enrollment"),
    ({"status": "active"}, PROGRAM, 2, False, "full"),
])
def test_each_reason_to_refuse_an_enrollment_is_a_409_saying_why(client, program, open_count, already, message):
    with pytest.raises(Conflict, match=message):
        domain.check_can_enroll(client, program, open_count, already)


def test_the_last_place_can_be_taken():
    domain.check_can_enroll({"status": "active"}, PROGRAM, 1, False)


def test_counts_attended_missed_and_the_unexcused_streak_in_session_order():
    assert domain.attendance_counts(marks("present", "late", "absent", "excused")) == (2, 1, 1)
    assert domain.attendance_counts(marks("absent", "absent", "present", "absent")) == (1, 3, 1)
    assert domain.attendance_counts(marks("absent", "excused", "absent", "absent")) == (0, 3, 3)
    shuffled = list(reversed(marks("absent", "absent", "absent", "present")))
    assert domain.attendance_counts(shuffled) == (1, 3, 0)


def test_attention_is_raised_once_per_streak():
    changed, raised = domain.with_attendance(enrollment(), marks("absent", "absent", "absent"))
    assert raised and changed["consecutive_absences"] == 3 and changed["version"] == 2
    again, raised = domain.with_attendance(changed, marks("absent", "absent", "absent", "absent"))
    assert not raised
    reset, raised = domain.with_attendance(again, marks("absent", "absent", "absent", "late"))
    assert not raised and not reset["attention_raised"]
    _, raised = domain.with_attendance(reset, marks("absent", "absent", "absent", "late", "absent", "absent",
                                                    "absent"))
    assert raised


def test_an_enrollment_ends_once_with_who_and_when():
    done, events = domain.complete(enrollment(), "achieved", "ok", "2027-01-01", CTX)
    assert [(e.type, e.sequence, e.data["outcome"]) for e in events] == [("bimbingan.enrollment.completed", 2,
                                                                         "achieved")]
    assert (done["status"], done["outcome"], done["ended_on"], done["completed_by"], done["version"]) == (
        "completed", "achieved", "2027-01-01", "pk-1", 2)
    with pytest.raises(Conflict, match="current status is completed"):
        domain.withdraw(done, "other", None, "2027-01-02", CTX)


def test_attendance_targets_name_the_index_of_each_bad_record():
    session = {"program_id": "p"}
    good = enrollment()
    with pytest.raises(Invalid) as raised:
        domain.check_attendance_targets(session, [good, None, {**good, "id": "x", "program_id": "q"},
                                                  {**good, "id": "y", "status": "withdrawn"}, good])
    assert set(raised.value.errors) == {"records.1.enrollment_id", "records.2.enrollment_id",
                                        "records.3.enrollment_id", "records.4.enrollment_id"}


def session_record(**changes) -> dict:
    body = {"program_id": "p", "starts_at": "2026-12-01T00:00:00.000Z", "topic": "t", "facilitator": "f",
            "delivery": "in_person"}
    return {**domain.new_session("s", body, PROGRAM, CTX)[0], **changes}


def test_a_cancelled_session_cannot_be_moved_or_cancelled_again():
    session, events = domain.cancel(session_record(), "rain", CTX)
    assert [(e.type, e.data["status"]) for e in events] == [("bimbingan.session.cancelled", "cancelled")]
    assert (session["status"], session["cancelled_by"], session["version"]) == ("cancelled", "pk-1", 2)
    with pytest.raises(Conflict, match="current status is cancelled"):
        domain.reschedule(session, "2026-12-01T00:00:00.000Z", "x", CTX)


def test_event_data_carries_no_note_or_summary():
    data = domain.enrollment_event_data(enrollment(note="private", summary="private"))
    assert "private" not in str(data)


def mark_of(session_id, starts_at, attendance, **extra):
    return {"session_id": session_id, "starts_at": starts_at, "attendance": attendance, "note": None,
            "recorded_at": CTX.at, "recorded_by": "pk-1", **extra}


def test_a_cancelled_sessions_mark_stops_counting_and_the_recount_is_announced():
    marks = {f"s{i}": mark_of(f"s{i}", f"2026-06-0{i}T02:00:00.000Z", "absent") for i in (1, 2, 3)}
    flagged, _ = domain.with_attendance(enrollment(), list(marks.values()))
    assert flagged["attention_raised"]
    after, mark, events = domain.discount_cancelled(flagged, marks, "s3")
    assert mark["session_cancelled"] and (after["sessions_missed"], after["consecutive_absences"]) == (2, 2)
    assert not after["attention_raised"] and after["version"] == flagged["version"] + 1
    assert [(e.type, e.data["session_id"]) for e in events] == [("bimbingan.attendance.recounted", "s3")]


def test_cancelling_the_present_between_absences_joins_the_run_and_raises_attention():
    marks = {"s1": mark_of("s1", "2026-06-01T00:00:00.000Z", "absent"),
             "s2": mark_of("s2", "2026-06-02T00:00:00.000Z", "absent"),
             "s3": mark_of("s3", "2026-06-03T00:00:00.000Z", "present"),
             "s4": mark_of("s4", "2026-06-04T00:00:00.000Z", "absent")}
    counted, _ = domain.with_attendance(enrollment(), list(marks.values()))
    _, _, events = domain.discount_cancelled(counted, marks, "s3")
    assert [e.type for e in events] == ["bimbingan.attendance.recounted", "bimbingan.enrollment.attention_required"]


def test_attendance_needs_a_started_session_and_an_enrollment_started_by_then():
    session = {"id": "s", "program_id": "p", "status": "scheduled", "starts_at": "2026-06-01T02:00:00.000Z"}
    with pytest.raises(Conflict, match="not started"):
        domain.check_can_mark(session, "2026-06-01T01:59:59.999Z")
    domain.check_can_mark(session, "2026-06-01T02:00:00.000Z")
    with pytest.raises(Invalid) as raised:
        domain.check_attendance_targets(session, [enrollment(start_date="2026-06-02")], "2026-06-01")
    assert "starts after the session" in raised.value.errors["records.0.enrollment_id"][0]
    domain.check_attendance_targets(session, [enrollment(start_date="2026-06-01")], "2026-06-01")


VALID = {**PROGRAM, "valid_from": "2026-01-01", "valid_until": "2026-12-31"}


@pytest.mark.parametrize("start_date, client, refused", [
    ("2025-12-31", {}, True), ("2027-01-01", {}, True), ("2026-01-01", {}, False),
    ("2026-03-01", {"supervision_start": "2026-03-02"}, True), ("2026-03-02", {"supervision_start": "2026-03-02"},
                                                                False)])
def test_an_enrollment_starts_within_the_agreement_and_not_before_supervision(start_date, client, refused):
    if refused:
        with pytest.raises(Invalid) as raised:
            domain.check_start_date(start_date, client, VALID)
        assert list(raised.value.errors) == ["start_date"]
    else:
        domain.check_start_date(start_date, client, VALID)
    domain.check_start_date("2020-01-01", {}, PROGRAM)     # a replica that knows no dates yet does not refuse


def test_a_session_lies_within_the_agreement():
    with pytest.raises(Invalid) as raised:
        domain.check_session_date("2027-01-01", VALID)
    assert list(raised.value.errors) == ["starts_at"]
    domain.check_session_date("2026-12-31", VALID)


@pytest.mark.parametrize("status, reason", [("transferred", "client_moved"), ("completed", "client_ended"),
                                            ("revoked", "client_ended")])
def test_automatic_withdrawals_say_why_and_from_when(status, reason):
    assert domain.client_ending({"status": status, "status_effective_date": "2026-11-20"}, "2026-11-28") == (
        reason, "2026-11-20")
    assert domain.client_ending({"status": status}, "2026-11-28") == (reason, "2026-11-28")
    assert domain.agreement_ending({"status": "expired", "valid_until": "2026-10-31"}, "2026-11-28") == "2026-10-31"
    assert domain.agreement_ending({"status": "terminated", "valid_until": "2027-10-31"}, "2026-11-28") == "2026-11-28"


def test_an_ended_agreement_cancels_only_its_scheduled_sessions_yet_to_come():
    sessions = [session_record(id="past", starts_at="2026-06-01T00:00:00.000Z"),
                session_record(id="next", starts_at="2027-01-01T00:00:00.000Z"),
                session_record(id="gone", starts_at="2027-02-01T00:00:00.000Z", status="cancelled")]
    cancelled = domain.cancel_future(sessions, "2026-11-28T00:00:00.000Z", "agreement terminated", CTX)
    assert [(before["id"], after["status"], [e.type for e in events]) for before, after, events in cancelled] == [
        ("next", "cancelled", ["bimbingan.session.cancelled"])]
