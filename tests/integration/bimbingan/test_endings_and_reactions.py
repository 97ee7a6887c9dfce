"""Completion, withdrawal, and the worker's withdrawals when a client or an agreement ends."""
from shared import envelope
from tests.support.bimbingan_world import REGION, client_data, new_id


def enroll(world, officer, agreement, client_id=None):
    response = officer.post("/enrollments", json={"client_id": client_id or world.client(),
                                                  "program_id": agreement["program_id"]})
    assert response.status_code == 201, response.json
    return response.json


def test_complete_keeps_outcome_summary_and_who_and_then_refuses_a_second_ending(world, officer):
    enrollment = enroll(world, officer, world.agreement())
    done = officer.post(f"/enrollments/{enrollment['id']}/complete", headers={"If-Match": '"1"'},
                        json={"outcome": "partially_achieved", "summary": "finished module 1 of 2"})
    assert done.status_code == 200 and done.headers["ETag"] == '"2"'
    body = done.json
    assert (body["status"], body["outcome"], body["completed_by"]) == ("completed", "partially_achieved", "pk-1")
    assert body["ended_on"] and body["completed_at"]
    again = officer.post(f"/enrollments/{enrollment['id']}/withdraw", json={"reason_code": "other"})
    assert again.status_code == 409 and "completed" in again.json["detail"]
    [event] = [e for e in world.outbox() if e["type"] == "bimbingan.enrollment.completed"]
    assert event["sequence"] == 2 and event["data"]["outcome"] == "partially_achieved"
    assert "finished module" not in str(event)


def test_withdraw_needs_a_documented_reason_code_and_a_current_version(world, officer):
    enrollment = enroll(world, officer, world.agreement())
    path = f"/enrollments/{enrollment['id']}/withdraw"
    assert officer.post(path, json={"reason_code": "bored"}).status_code == 422
    assert officer.post(path, headers={"If-Match": '"7"'}, json={"reason_code": "client_moved"}).status_code == 412
    body = officer.post(path, json={"reason_code": "client_moved", "note": "moved to Jambi"}).json
    assert (body["status"], body["reason_code"], body["withdrawn_by"]) == ("withdrawn", "client_moved", "pk-1")
    event = world.outbox()[-1]
    assert event["data"]["reason_code"] == "client_moved" and "Jambi" not in str(event)


def test_a_client_leaving_active_has_every_open_enrollment_withdrawn_once(world, officer):
    client_id = world.client()
    a, b, c = (world.agreement() for _ in range(3))
    open_one, open_two, done = (enroll(world, officer, agreement, client_id) for agreement in (a, b, c))
    officer.post(f"/enrollments/{done['id']}/complete", json={"outcome": "achieved", "summary": "ok"})
    event = world.set_client_status(client_id, "revoked")
    for enrollment in (open_one, open_two):
        body = officer.get(f"/enrollments/{enrollment['id']}").json
        assert (body["status"], body["reason_code"], body["withdrawn_by"]) == ("withdrawn", "client_ended",
                                                                               "system:bimbingan")
    assert officer.get(f"/enrollments/{done['id']}").json["status"] == "completed"
    withdrawn = [e for e in world.outbox() if e["type"] == "bimbingan.enrollment.withdrawn"]
    assert sorted(e["subject"] for e in withdrawn) == sorted([open_one["id"], open_two["id"]])
    assert all(e["correlationid"] == event["correlationid"] for e in withdrawn)
    assert world.applier.apply(event) == "duplicate"
    assert world.applier.apply(event, replay=True) == "applied"
    assert len([e for e in world.outbox() if e["type"] == "bimbingan.enrollment.withdrawn"]) == 2
    assert officer.post("/enrollments", json={"client_id": client_id,
                                              "program_id": a["program_id"]}).status_code == 409


def test_client_events_in_a_batch_read_their_open_enrollments_in_the_first_round_trip(world, officer):
    """The plan (the client's open enrollments) is answered with the batch's one WATCH, and its answer is
    the one the handler acts on: an ended client's open enrollment is withdrawn, an active one's kept."""
    ended, kept, other = world.client(), world.client(), world.client()
    ended_one, kept_one = (enroll(world, officer, world.agreement(), client_id) for client_id in (ended, kept))

    def changed(client_id: str, status: str) -> dict:
        return envelope.build_event(region=REGION, service="klien", type="klien.client.status_changed",
                                    subject=client_id, sequence=world.sequences[client_id] + 1,
                                    data=client_data(client_id, status), correlation_id=new_id())

    redis = world.applier.redis
    watches = lambda: int(redis.info("commandstats").get("cmdstat_watch", {}).get("calls", 0))  # noqa: E731
    before = watches()
    assert world.applier.apply_batch([changed(kept, "active"), changed(other, "active")]) == ["applied"] * 2
    assert watches() - before == 1
    assert world.applier.apply_batch([changed(ended, "revoked")]) == ["applied"]
    assert officer.get(f"/enrollments/{ended_one['id']}").json["status"] == "withdrawn"
    assert officer.get(f"/enrollments/{kept_one['id']}").json["status"] == "enrolled"


def test_an_updated_but_still_active_client_keeps_its_enrollments(world, officer):
    client_id = world.client()
    enrollment = enroll(world, officer, world.agreement(), client_id)
    world.deliver("klien.client.updated", client_data(client_id))
    assert officer.get(f"/enrollments/{enrollment['id']}").json["status"] == "enrolled"


def test_an_ended_agreement_withdraws_the_open_enrollments_of_all_its_programs(world, officer):
    agreement = world.agreement(programs=2)
    second = {**agreement, "program_id": agreement["programs"][1]["id"]}
    enrollments = [enroll(world, officer, agreement), enroll(world, officer, second)]
    other = enroll(world, officer, world.agreement())
    world.set_agreement_status(agreement, "suspended")
    for enrollment in enrollments:
        body = officer.get(f"/enrollments/{enrollment['id']}").json
        assert (body["status"], body["reason_code"]) == ("withdrawn", "agreement_ended")
    assert officer.get(f"/enrollments/{other['id']}").json["status"] == "enrolled"
    response = officer.post("/enrollments", json={"client_id": world.client(), "program_id": agreement["program_id"]})
    assert response.status_code == 409 and "suspended" in response.json["detail"]


def test_an_older_agreement_event_arriving_late_changes_nothing(world, officer):
    agreement = world.agreement()
    enrollment = enroll(world, officer, agreement)
    world.set_agreement_status(agreement, "terminated")
    stale = world.pokmas.publish("pokmas.agreement.activated", agreement["id"], 1,
                                 {**{k: agreement[k] for k in agreement if k != "program_id"}, "status": "active"})
    assert world.applier.apply(stale) == "stale"
    assert officer.get(f"/enrollments/{enrollment['id']}").json["status"] == "withdrawn"
    response = officer.post("/enrollments", json={"client_id": world.client(), "program_id": agreement["program_id"]})
    assert response.status_code == 409 and "terminated" in response.json["detail"]


def test_a_program_dropped_from_a_draft_becomes_unknown(world, officer):
    agreement = world.agreement(status="draft", programs=2)
    kept = agreement["programs"][:1]
    world.deliver("pokmas.agreement.programs_changed", {**{k: agreement[k] for k in agreement if k != "program_id"},
                                                         "programs": kept})
    world.set_agreement_status({**agreement, "programs": kept}, "active", "pokmas.agreement.activated")
    dropped = officer.post("/sessions", json={"program_id": agreement["programs"][1]["id"],
                                              "starts_at": "2026-12-01T02:00:00Z", "topic": "t", "facilitator": "f",
                                              "delivery": "online"})
    assert dropped.status_code == 422 and set(dropped.json["errors"]) == {"program_id"}
    assert enroll(world, officer, {"program_id": kept[0]["id"]})["status"] == "enrolled"
