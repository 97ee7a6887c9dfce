"""Idempotency-Key on POST /sessions/{id}/attendance: a batch sent twice is applied once."""
import json
from concurrent.futures import ThreadPoolExecutor


def send(http, session, enrollment, attendance, key):
    return http.post(f"/sessions/{session['id']}/attendance", headers={"Idempotency-Key": key},
                     json={"records": [{"enrollment_id": enrollment["id"], "attendance": attendance}]})


def test_a_batch_sent_again_with_its_key_is_applied_once_and_answered_the_same(world, officer, one_session):
    session, enrollment = one_session
    first = send(officer, session, enrollment, "absent", "batch-0001")
    events = len(world.outbox("bimbingan.attendance"))
    again = send(officer, session, enrollment, "absent", "batch-0001")
    assert first.status_code == again.status_code == 200
    assert again.json == first.json
    assert len(world.outbox("bimbingan.attendance")) == events
    assert officer.get(f"/enrollments/{enrollment['id']}").json["version"] == first.json["enrollments"][0]["version"]


def test_another_batch_with_a_used_key_is_422_and_changes_nothing(officer, one_session):
    session, enrollment = one_session
    send(officer, session, enrollment, "present", "batch-0002")
    other = send(officer, session, enrollment, "absent", "batch-0002")
    assert other.status_code == 422 and "Idempotency-Key" in other.json["errors"]
    marks = officer.get(f"/sessions/{session['id']}").json["attendance"]
    assert [m["attendance"] for m in marks] == ["present"]


def test_a_refusal_is_answered_again_the_same(officer, one_session):
    session, enrollment = one_session
    officer.post(f"/sessions/{session['id']}/cancel", json={"reason": "hujan"})
    first = send(officer, session, enrollment, "present", "batch-0003")
    again = send(officer, session, enrollment, "present", "batch-0003")
    assert first.status_code == again.status_code == 409 and again.json["detail"] == first.json["detail"]


def test_keys_belong_to_their_user_and_are_checked(world, officer, one_session):
    session, enrollment = one_session
    send(officer, session, enrollment, "present", "batch-0004")
    colleague = world.http("officer", sub="pk-2")
    assert send(colleague, session, enrollment, "late", "batch-0004").status_code == 200
    assert send(officer, session, enrollment, "late", "no").status_code == 422


def test_copies_sent_together_are_applied_once_and_all_answered_as_the_first(world, officer, one_session):
    session, enrollment = one_session
    version = officer.get(f"/enrollments/{enrollment['id']}").json["version"]
    events = len(world.outbox("bimbingan."))
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: send(world.http("officer"), session, enrollment, "present", "batch-0005"),
                                range(6)))
    assert {a.status_code for a in answers} == {200}
    assert len({json.dumps(a.json, sort_keys=True) for a in answers}) == 1
    assert officer.get(f"/enrollments/{enrollment['id']}").json["version"] == version + 1
    once = len(world.outbox("bimbingan.")) - events
    send(officer, session, enrollment, "late", "batch-0006")   # one more batch, applied alone: as many events
    assert len(world.outbox("bimbingan.")) - events == 2 * once
