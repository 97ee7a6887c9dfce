"""The rules a PK relies on (issue 13), through HTTP: a cancelled session's marks stop counting, dates
hold together, an ended agreement takes its future sessions with it, and automatic withdrawals say
why and from when. The world's agreements are valid 2026-01-01 to 2027-12-31; its clients' supervision
started 2026-01-01."""
from tests.support.bimbingan_world import agreement_data, client_data


def enroll(officer, agreement, client_id, start_date="2026-06-01"):
    response = officer.post("/enrollments", json={"client_id": client_id, "program_id": agreement["program_id"],
                                                  "start_date": start_date})
    assert response.status_code == 201, response.json
    return response.json


def session(officer, agreement, starts_at):
    response = officer.post("/sessions", json={"program_id": agreement["program_id"], "starts_at": starts_at,
                                               "topic": "Wawasan kebangsaan", "facilitator": "Ustadz Hasan",
                                               "delivery": "in_person"})
    assert response.status_code == 201, response.json
    return response.json


def mark(officer, session_, enrollment, attendance):
    return officer.post(f"/sessions/{session_['id']}/attendance",
                        json={"records": [{"enrollment_id": enrollment["id"], "attendance": attendance}]})


def test_a_cancelled_sessions_marks_stop_counting_and_the_enrollment_says_so(world, officer):
    agreement = world.agreement()
    enrollment = enroll(officer, agreement, world.client())
    sessions = [session(officer, agreement, f"2026-06-{day:02d}T02:00:00Z") for day in (2, 9, 16)]
    for each in sessions:
        assert mark(officer, each, enrollment, "absent").status_code == 200
    flagged = officer.get(f"/enrollments/{enrollment['id']}").json
    assert (flagged["sessions_missed"], flagged["consecutive_absences"], flagged["attention_required"]) == (3, 3, True)
    cancelled = officer.post(f"/sessions/{sessions[2]['id']}/cancel", json={"reason": "ustadz berhalangan"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    after = officer.get(f"/enrollments/{enrollment['id']}").json
    assert (after["sessions_missed"], after["consecutive_absences"], after["attention_required"]) == (2, 2, False)
    assert [m["session_cancelled"] for m in after["attendance"] if m["session_id"] == sessions[2]["id"]] == [True]
    [recount] = [e for e in world.outbox() if e["type"] == "bimbingan.attendance.recounted"]
    assert (recount["subject"], recount["data"]["sessions_missed"], recount["data"]["session_id"]) == (
        enrollment["id"], 2, sessions[2]["id"])
    assert [e["type"] for e in world.outbox() if e["subject"] == sessions[2]["id"]][-1] == "bimbingan.session.cancelled"


def test_attendance_waits_for_the_session_and_for_the_enrollment_to_have_started(world, officer):
    agreement = world.agreement()
    started_late = enroll(officer, agreement, world.client(), start_date="2026-07-01")
    on_time = enroll(officer, agreement, world.client())
    upcoming = session(officer, agreement, "2027-06-01T02:00:00Z")
    early = mark(officer, upcoming, on_time, "present")
    assert early.status_code == 409 and "not started" in early.json["detail"]
    past = session(officer, agreement, "2026-06-15T02:00:00Z")
    before_start = mark(officer, past, started_late, "present")
    assert before_start.status_code == 422 and "starts after the session" in str(before_start.json["errors"])
    assert mark(officer, past, on_time, "present").status_code == 200


def test_an_enrollment_starts_within_the_agreement_and_not_before_supervision(world, officer):
    agreement, client_id = world.agreement(), world.client()
    for start_date in ("2020-01-01", "2025-12-31", "2028-01-01"):
        response = officer.post("/enrollments", json={"client_id": client_id, "program_id": agreement["program_id"],
                                                      "start_date": start_date})
        assert response.status_code == 422 and list(response.json["errors"]) == ["start_date"], start_date
    new_client = world.client()
    world.deliver("klien.client.updated", {**client_data(new_client), "supervision_start": "2026-09-01"})
    refused = officer.post("/enrollments", json={"client_id": new_client, "program_id": agreement["program_id"],
                                                 "start_date": "2026-08-31"})
    assert refused.status_code == 422 and "supervision_start" in refused.json["errors"]["start_date"][0]
    assert enroll(officer, agreement, new_client, start_date="2026-09-01")["status"] == "enrolled"


def test_a_session_lies_within_its_agreement_and_an_ended_one_cannot_be_moved(world, officer):
    agreement = world.agreement()
    outside = officer.post("/sessions", json={"program_id": agreement["program_id"], "topic": "t", "facilitator": "f",
                                              "starts_at": "2029-06-01T02:00:00Z", "delivery": "online"})
    assert outside.status_code == 422 and list(outside.json["errors"]) == ["starts_at"]
    planned = session(officer, agreement, "2027-06-01T02:00:00Z")
    moved = officer.post(f"/sessions/{planned['id']}/reschedule", json={"starts_at": "2028-02-01T02:00:00Z",
                                                                        "reason": "x"})
    assert moved.status_code == 422 and list(moved.json["errors"]) == ["starts_at"]
    world.set_agreement_status(agreement, "suspended")
    suspended = officer.post(f"/sessions/{planned['id']}/reschedule", json={"starts_at": "2027-06-02T02:00:00Z",
                                                                            "reason": "x"})
    assert suspended.status_code == 409


def test_an_ended_agreement_cancels_its_sessions_yet_to_come(world, officer):
    agreement = world.agreement()
    held = session(officer, agreement, "2026-06-01T02:00:00Z")
    upcoming = [session(officer, agreement, f"2027-0{month}-01T02:00:00Z") for month in (1, 2)]
    world.set_agreement_status(agreement, "terminated")
    assert officer.get(f"/sessions/{held['id']}").json["status"] == "scheduled"
    for each in upcoming:
        cancelled = officer.get(f"/sessions/{each['id']}").json
        assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "agreement terminated")
    events = [e for e in world.outbox() if e["type"] == "bimbingan.session.cancelled"]
    assert sorted(e["subject"] for e in events) == sorted(s["id"] for s in upcoming)


def test_a_transfer_withdraws_as_client_moved_from_its_effective_date(world, officer):
    client_id = world.client()
    enrollment = enroll(officer, world.agreement(), client_id)
    world.deliver("klien.client.status_changed", {**client_data(client_id, "transferred"),
                                                  "status_effective_date": "2026-11-20"})
    withdrawn = officer.get(f"/enrollments/{enrollment['id']}").json
    assert (withdrawn["status"], withdrawn["reason_code"], withdrawn["ended_on"]) == (
        "withdrawn", "client_moved", "2026-11-20")
    revoked_client = world.client()
    other = enroll(officer, world.agreement(), revoked_client)
    world.deliver("klien.client.status_changed", {**client_data(revoked_client, "revoked"),
                                                  "status_effective_date": "2026-11-21"})
    assert (officer.get(f"/enrollments/{other['id']}").json["reason_code"],
            officer.get(f"/enrollments/{other['id']}").json["ended_on"]) == ("client_ended", "2026-11-21")


def test_an_expired_agreement_withdraws_from_its_last_valid_day(world, officer):
    agreement = world.agreement()
    enrollment = enroll(officer, agreement, world.client())
    world.deliver("pokmas.agreement.expired", agreement_data(agreement["id"], agreement["group_id"], "expired",
                                                             agreement["programs"]))
    withdrawn = officer.get(f"/enrollments/{enrollment['id']}").json
    assert (withdrawn["reason_code"], withdrawn["ended_on"]) == ("agreement_ended", "2027-12-31")
