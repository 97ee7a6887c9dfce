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
