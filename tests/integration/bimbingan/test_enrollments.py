"""Enrolling: the contract's 409s, freshness for ids created a moment ago, and the events it publishes."""
from tests.support.bimbingan_world import agreement_data, client_data, new_id


def enroll(http, client_id, program_id, **extra):
    return http.post("/enrollments", json={"client_id": client_id, "program_id": program_id, **extra})


def test_an_active_client_is_enrolled_in_a_program_of_an_active_agreement(world, officer):
    agreement, client_id = world.agreement(), world.client()
    response = enroll(officer, client_id, agreement["program_id"], start_date="2026-12-01", note="prefers mornings")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "enrolled" and body["version"] == 1 and response.headers["ETag"] == '"1"'
    assert body["group_id"] == agreement["group_id"] and body["agreement_id"] == agreement["id"]
    assert body["start_date"] == "2026-12-01" and body["created_by"] == "pk-1"
    [event] = world.outbox()
    assert event["type"] == "bimbingan.enrollment.created" and event["subject"] == body["id"]
    assert event["sequence"] == 1
    assert event["data"]["status"] == "enrolled" and event["data"]["group_id"] == agreement["group_id"]
    assert "note" not in event["data"] and "prefers mornings" not in str(event)


def test_a_client_that_is_not_active_is_refused_with_its_status(world, officer):
    agreement, client_id = world.agreement(), world.client(status="revoked")
    response = enroll(officer, client_id, agreement["program_id"])
    assert response.status_code == 409
    assert "revoked" in response.json["detail"]
    assert world.outbox() == []


def test_a_program_whose_agreement_is_not_active_is_refused(world, officer):
    agreement, client_id = world.agreement(status="draft"), world.client()
    response = enroll(officer, client_id, agreement["program_id"])
    assert response.status_code == 409 and "draft" in response.json["detail"]
    world.set_agreement_status(agreement, "active", "pokmas.agreement.activated")
    assert enroll(officer, client_id, agreement["program_id"]).status_code == 201


def test_a_second_open_enrollment_in_the_same_program_is_refused_but_one_after_it_ended_is_not(world, officer):
    agreement, client_id = world.agreement(), world.client()
    first = enroll(officer, client_id, agreement["program_id"]).json
    assert enroll(officer, client_id, agreement["program_id"]).status_code == 409
    officer.post(f"/enrollments/{first['id']}/withdraw", json={"reason_code": "client_request"})
    assert enroll(officer, client_id, agreement["program_id"]).status_code == 201


def test_a_full_program_refuses_until_a_place_frees(world, officer):
    agreement = world.agreement(capacity=2)
    first, _ = [enroll(officer, world.client(), agreement["program_id"]).json for _ in range(2)]
    response = enroll(officer, world.client(), agreement["program_id"])
    assert response.status_code == 409 and "full" in response.json["detail"]
    officer.post(f"/enrollments/{first['id']}/complete", json={"outcome": "achieved", "summary": "done"})
    assert enroll(officer, world.client(), agreement["program_id"]).status_code == 201


def test_capacity_grown_by_pokmas_makes_room(world, officer):
    agreement = world.agreement(capacity=1)
    enroll(officer, world.client(), agreement["program_id"])
    assert enroll(officer, world.client(), agreement["program_id"]).status_code == 409
    grown = [{**agreement["programs"][0], "capacity": 2}]
    world.deliver("pokmas.agreement.programs_changed", {**agreement_data(agreement["id"], agreement["group_id"],
                                                                         "active", grown)})
    assert enroll(officer, world.client(), agreement["program_id"]).status_code == 201


def test_ids_created_a_moment_ago_are_caught_up_from_the_owners_feeds(world, officer):
    client_id, program_id, agreement_id, group_id = new_id(), new_id(), new_id(), new_id()
    world.klien.publish("klien.client.registered", client_id, 1, client_data(client_id))
    world.pokmas.publish("pokmas.agreement.activated", agreement_id, 1, agreement_data(
        agreement_id, group_id, "active", [{"id": program_id, "guidance_type": "kepribadian", "capacity": 5}]))
    response = enroll(officer, client_id, program_id)
    assert response.status_code == 201, response.json
    assert response.json["group_id"] == group_id


def test_ids_their_owners_do_not_know_are_422_naming_each_field(world, officer):
    response = enroll(officer, new_id(), new_id())
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"client_id", "program_id"}
    agreement = world.agreement()
    response = enroll(officer, new_id(), agreement["program_id"])
    assert response.status_code == 422 and set(response.json["errors"]) == {"client_id"}


def test_an_owner_that_cannot_be_reached_is_503_with_retry_after(world, officer):
    agreement = world.agreement()
    world.klien.stop()
    response = enroll(officer, new_id(), agreement["program_id"])
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0


def test_a_known_id_needs_no_owner(world, officer):
    agreement, client_id = world.agreement(), world.client()
    world.klien.stop()
    world.pokmas.stop()
    assert enroll(officer, client_id, agreement["program_id"]).status_code == 201


def test_an_event_seen_by_catch_up_and_again_from_the_broker_is_applied_once(world, officer):
    client_id = new_id()
    event = world.klien.publish("klien.client.registered", client_id, 1, client_data(client_id))
    agreement = world.agreement()
    assert enroll(officer, client_id, agreement["program_id"]).status_code == 201
    assert world.applier.apply(event) == "duplicate"


def test_an_agreement_activated_a_moment_ago_is_accepted_though_the_replica_still_says_draft(world, officer):
    agreement, client_id = world.agreement(status="draft"), world.client()
    data = {k: agreement[k] for k in agreement if k != "program_id"}
    world.pokmas.publish("pokmas.agreement.activated", agreement["id"], 2, {**data, "status": "active"})
    response = enroll(officer, client_id, agreement["program_id"])
    assert response.status_code == 201, response.json
    session = officer.post("/sessions", json={"program_id": agreement["program_id"], "starts_at": "2026-12-01T02:00:00Z",
                                              "topic": "t", "facilitator": "f", "delivery": "online"})
    assert session.status_code == 201


def test_a_refusal_stands_when_the_owner_cannot_be_reached_to_confirm_it(world, officer):
    agreement, client_id = world.agreement(status="draft"), world.client()
    world.pokmas.stop()
    response = enroll(officer, client_id, agreement["program_id"])
    assert response.status_code == 409 and "draft" in response.json["detail"]
