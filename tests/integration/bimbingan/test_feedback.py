"""Session feedback: a behaviour note and a "PK should know" flag with a participant's mark."""


def test_feedback_is_kept_with_the_mark_and_evented_without_its_note(world, officer, one_session):
    session, enrollment = one_session
    partner = world.http("partner", group_id=enrollment["group_id"], sub="mitra-1")
    answer = partner.post(f"/sessions/{session['id']}/attendance", json={"records": [
        {"enrollment_id": enrollment["id"], "attendance": "late", "behaviour_note": "Gelisah, minta pulang cepat",
         "pk_should_know": True}]})
    assert answer.status_code == 200
    mark = officer.get(f"/enrollments/{enrollment['id']}").json["attendance"][0]
    assert (mark["behaviour_note"], mark["pk_should_know"]) == ("Gelisah, minta pulang cepat", True)
    assert partner.get(f"/sessions/{session['id']}").json["attendance"][0]["pk_should_know"] is True
    event = [e for e in world.outbox("bimbingan.attendance") if e["subject"] == enrollment["id"]][-1]
    assert event["data"]["pk_should_know"] is True and "Gelisah" not in str(event)


def test_a_mark_without_feedback_is_not_flagged(world, officer, one_session):
    session, enrollment = one_session
    officer.post(f"/sessions/{session['id']}/attendance", json={"records": [
        {"enrollment_id": enrollment["id"], "attendance": "present"}]})
    mark = officer.get(f"/sessions/{session['id']}").json["attendance"][0]
    assert mark["pk_should_know"] is False and mark["behaviour_note"] is None
    long_note = officer.post(f"/sessions/{session['id']}/attendance", json={"records": [
        {"enrollment_id": enrollment["id"], "attendance": "present", "behaviour_note": "x" * 501}]})
    assert long_note.status_code == 422
