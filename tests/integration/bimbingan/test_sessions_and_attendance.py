"""Sessions of a program and the attendance recorded in them: counts, replacement, the absence streak."""
import pytest

from tests.support.bimbingan_world import new_id

# Sessions that have taken place (attendance is recorded once a session has started), of enrollments
# that started before them.
STARTS = ["2026-06-01T02:00:00Z", "2026-06-08T02:00:00Z", "2026-06-15T02:00:00Z", "2026-06-22T02:00:00Z",
          "2026-06-29T02:00:00Z"]
ENROLLED_ON = "2026-06-01"


@pytest.fixture
def program(world, officer):
    agreement = world.agreement(capacity=5)
    enrollments = [officer.post("/enrollments", json={"client_id": world.client(), "start_date": ENROLLED_ON,
                                                      "program_id": agreement["program_id"]}).json
                   for _ in range(2)]
    sessions = [schedule(officer, agreement["program_id"], starts_at).json for starts_at in STARTS]
    return {**agreement, "enrollments": enrollments, "sessions": sessions}


def schedule(http, program_id, starts_at=STARTS[0]):
    return http.post("/sessions", json={"program_id": program_id, "starts_at": starts_at, "topic": "Welding",
                                        "facilitator": "Pak Joko", "delivery": "in_person"})


def mark(http, session, *records):
    return http.post(f"/sessions/{session['id']}/attendance",
                     json={"records": [{"enrollment_id": e["id"], "attendance": a} for e, a in records]})


def test_a_session_is_scheduled_for_a_program_of_an_active_agreement(world, officer, program):
    session = program["sessions"][0]
    assert session["status"] == "scheduled" and session["group_id"] == program["group_id"]
    assert session["starts_at"] == "2026-06-01T02:00:00.000Z" and session["created_by"] == "pk-1"
    events = [e for e in world.outbox() if e["type"] == "bimbingan.session.scheduled"]
    assert len(events) == 5 and "Pak Joko" not in str(events)
    assert schedule(officer, new_id()).status_code == 422
    draft = world.agreement(status="draft")
    assert schedule(officer, draft["program_id"]).status_code == 409


def test_sessions_are_listed_by_program_in_order_of_start_across_pages(officer, program):
    first = officer.get(f"/sessions?program_id={program['program_id']}&limit=3").json
    rest = officer.get(f"/sessions?program_id={program['program_id']}&limit=3&cursor={first['next_cursor']}").json
    assert [s["starts_at"][:10] for s in first["items"] + rest["items"]] == [s[:10] for s in STARTS]
    assert rest["next_cursor"] is None


def test_reschedule_and_cancel_keep_reason_and_who(world, officer, program):
    session = program["sessions"][0]
    moved = officer.post(f"/sessions/{session['id']}/reschedule", headers={"If-Match": '"1"'},
                         json={"starts_at": "2026-12-02T03:00:00Z", "reason": "holiday"})
    assert moved.status_code == 200 and moved.json["version"] == 2 and moved.json["rescheduled_by"] == "pk-1"
    stale = officer.post(f"/sessions/{session['id']}/cancel", headers={"If-Match": '"1"'}, json={"reason": "x"})
    assert stale.status_code == 412
    cancelled = officer.post(f"/sessions/{session['id']}/cancel", json={"reason": "facilitator ill"}).json
    assert cancelled["status"] == "cancelled" and cancelled["cancel_reason"] == "facilitator ill"
    again = officer.post(f"/sessions/{session['id']}/cancel", json={"reason": "x"})
    assert again.status_code == 409 and "cancelled" in again.json["detail"]
    assert mark(officer, session, (program["enrollments"][0], "present")).status_code == 409
    types = [e["type"] for e in world.outbox() if e["subject"] == session["id"]]
    assert types == ["bimbingan.session.scheduled", "bimbingan.session.rescheduled", "bimbingan.session.cancelled"]


def test_attendance_counts_attended_and_missed_and_a_new_mark_replaces_the_old(world, officer, program):
    first, second = program["enrollments"]
    s1, s2 = program["sessions"][:2]
    assert mark(officer, s1, (first, "present"), (second, "absent")).status_code == 200
    assert mark(officer, s2, (first, "late"), (second, "excused")).status_code == 200
    assert mark(officer, s1, (second, "late")).status_code == 200
    one, two = (officer.get(f"/enrollments/{e['id']}").json for e in (first, second))
    assert (one["sessions_attended"], one["sessions_missed"]) == (2, 0)
    assert (two["sessions_attended"], two["sessions_missed"]) == (1, 0)
    assert [m["attendance"] for m in two["attendance"]] == ["late", "excused"]
    assert two["version"] == 4
    last = [e for e in world.outbox() if e["subject"] == second["id"]][-1]
    assert last["type"] == "bimbingan.attendance.recorded" and last["sequence"] == 4
    assert last["data"]["session_id"] == s1["id"] and last["data"]["sessions_attended"] == 1
    session = officer.get(f"/sessions/{s1['id']}").json
    assert {m["enrollment_id"]: m["attendance"] for m in session["attendance"]} == {first["id"]: "present",
                                                                                    second["id"]: "late"}


def test_three_unexcused_absences_in_a_row_raise_attention_once(world, officer, program):
    enrollment, sessions = program["enrollments"][0], program["sessions"]

    def attention_events():
        return [e for e in world.outbox() if e["type"] == "bimbingan.enrollment.attention_required"]

    mark(officer, sessions[0], (enrollment, "absent"))
    mark(officer, sessions[1], (enrollment, "excused"))
    mark(officer, sessions[2], (enrollment, "absent"))
    assert attention_events() == []
    mark(officer, sessions[3], (enrollment, "absent"))
    [event] = attention_events()
    assert event["subject"] == enrollment["id"] and event["data"]["consecutive_absences"] == 3
    mark(officer, sessions[4], (enrollment, "absent"))
    mark(officer, sessions[3], (enrollment, "absent"))
    assert len(attention_events()) == 1
    mark(officer, sessions[3], (enrollment, "present"))
    assert officer.get(f"/enrollments/{enrollment['id']}").json["consecutive_absences"] == 1
    mark(officer, sessions[3], (enrollment, "absent"))
    assert len(attention_events()) == 2


def test_records_that_cannot_be_marked_are_422_naming_their_index(world, officer, program):
    other = world.agreement()
    outsider = officer.post("/enrollments", json={"client_id": world.client(), "start_date": ENROLLED_ON,
                                                  "program_id": other["program_id"]}).json
    ended = program["enrollments"][1]
    officer.post(f"/enrollments/{ended['id']}/complete", json={"outcome": "achieved", "summary": "ok"})
    session = program["sessions"][0]
    response = officer.post(f"/sessions/{session['id']}/attendance", json={"records": [
        {"enrollment_id": program["enrollments"][0]["id"], "attendance": "present"},
        {"enrollment_id": outsider["id"], "attendance": "present"},
        {"enrollment_id": ended["id"], "attendance": "absent"},
        {"enrollment_id": new_id(), "attendance": "absent"}]})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"records.1.enrollment_id", "records.2.enrollment_id",
                                            "records.3.enrollment_id"}
    assert officer.get(f"/enrollments/{program['enrollments'][0]['id']}").json["sessions_attended"] == 0


def test_a_malformed_record_is_422_naming_its_index_and_field(officer, program):
    response = officer.post(f"/sessions/{program['sessions'][0]['id']}/attendance", json={"records": [
        {"enrollment_id": program["enrollments"][0]["id"], "attendance": "present"},
        {"enrollment_id": program["enrollments"][1]["id"], "attendance": "asleep"}]})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["records.1.attendance"]
    assert all(isinstance(messages, list) for messages in response.json["errors"].values())


def test_a_weeks_calendar_by_program_and_group(world, officer, program):
    other = world.agreement()
    schedule(officer, other["program_id"], "2026-06-02T02:00:00Z")
    week = officer.get("/sessions?from=2026-06-01&to=2026-06-14").json["items"]
    assert [s["starts_at"][:10] for s in week] == ["2026-06-01", "2026-06-02", "2026-06-08"]
    mine = officer.get(f"/sessions?from=2026-06-01&to=2026-06-14&program_id={program['program_id']}").json["items"]
    assert [s["starts_at"][:10] for s in mine] == ["2026-06-01", "2026-06-08"]
    by_group = officer.get(f"/sessions?from=2026-06-01&to=2026-06-07&group_id={other['group_id']}").json["items"]
    assert [s["program_id"] for s in by_group] == [other["program_id"]]
    paged = officer.get("/sessions?from=2026-06-01&to=2026-06-14&limit=2").json
    rest = officer.get(f"/sessions?from=2026-06-01&to=2026-06-14&limit=2&cursor={paged['next_cursor']}").json
    assert len(paged["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert officer.get("/sessions?from=2026-06-14&to=2026-06-01").status_code == 422
    assert officer.get("/sessions?from=14-06-2026").status_code == 422
