"""A partner's answers (issue 14, items 2 and 7): every endpoint a partner reaches answers through the
partner view, with no PK-only field; anything not its own is 403, whether it exists or not."""
from tests.support.bimbingan_world import new_id

PK_ONLY = {"note", "withdrawal_note", "summary"}


def test_no_partner_answer_carries_a_pk_only_field(world, officer):
    agreement = world.agreement(capacity=10)
    enroll = {"program_id": agreement["program_id"], "note": "PK's own note"}
    done, withdrawn, open_one = (officer.post("/enrollments", json={**enroll, "client_id": world.client()}).json
                                 for _ in range(3))
    officer.post(f"/enrollments/{done['id']}/complete", json={"outcome": "achieved", "summary": "PK's summary"})
    officer.post(f"/enrollments/{withdrawn['id']}/withdraw", json={"reason_code": "other", "note": "PK's reason"})
    session = officer.post("/sessions", json={"program_id": agreement["program_id"], "topic": "t", "facilitator": "f",
                                              "starts_at": "2026-01-05T02:00:00Z", "delivery": "online"}).json
    partner = world.http("partner", group_id=agreement["group_id"])
    answers = {
        "list": partner.get("/enrollments").json["items"],
        "by id": [partner.get(f"/enrollments/{e['id']}").json for e in (done, withdrawn, open_one)],
        "attendance": partner.post(f"/sessions/{session['id']}/attendance", json={"records": [
            {"enrollment_id": open_one["id"], "attendance": "present"}]}).json["enrollments"],
    }
    for name, enrollments in answers.items():
        assert enrollments and all(not PK_ONLY & set(e) for e in enrollments), name
    assert officer.get(f"/enrollments/{done['id']}").json["summary"] == "PK's summary"


def test_a_partner_cannot_tell_another_groups_record_from_a_missing_one(world, officer):
    mine, theirs = world.agreement(), world.agreement()
    session = officer.post("/sessions", json={"program_id": mine["program_id"], "topic": "t", "facilitator": "f",
                                              "starts_at": "2026-01-05T02:00:00Z", "delivery": "online"}).json
    their_enrollment = officer.post("/enrollments", json={"client_id": world.client(),
                                                          "program_id": theirs["program_id"]}).json
    their_session = officer.post("/sessions", json={"program_id": theirs["program_id"], "topic": "t",
                                                    "facilitator": "f", "starts_at": "2026-01-05T02:00:00Z",
                                                    "delivery": "online"}).json
    partner = world.http("partner", group_id=mine["group_id"])
    for existing, missing in ((f"/enrollments/{their_enrollment['id']}", f"/enrollments/{new_id()}"),
                              (f"/sessions/{their_session['id']}", f"/sessions/{new_id()}")):
        answers = [partner.get(path) for path in (existing, missing)]
        assert [a.status_code for a in answers] == [403, 403]
        assert answers[0].json["detail"] == answers[1].json["detail"]
    marks = [partner.post(f"/sessions/{session['id']}/attendance", json={"records": [
        {"enrollment_id": enrollment_id, "attendance": "present"}]}) for enrollment_id in (their_enrollment["id"],
                                                                                          new_id())]
    assert [m.status_code for m in marks] == [422, 422] and marks[0].json["errors"] == marks[1].json["errors"]
    missing_session = partner.post(f"/sessions/{new_id()}/attendance", json={"records": [
        {"enrollment_id": new_id(), "attendance": "present"}]})
    assert missing_session.status_code == 403
    assert officer.get(f"/sessions/{new_id()}").status_code == 404
