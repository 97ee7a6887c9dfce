"""Agreements (PKS) over HTTP: creation rules, every transition and every illegal one, programs, events."""
import uuid

import pytest

from tests.support.client import headers
from tests.support.pokmas_api import agreement_body, day, program_body
from tests.support.pokmas_flow import active_agreement, new_agreement, new_group, ok, published, transition

STATE_DATA_KEYS = {"id", "group_id", "number", "status", "valid_from", "valid_until", "programs"}


def test_an_agreement_starts_as_a_draft_with_an_id_for_each_program(http, redis):
    group = new_group(http)
    body = agreement_body(group["id"], programs=[program_body(capacity=5),
                                                 program_body(guidance_type="kepribadian", capacity=3)])
    response = http.post("/agreements", json=body, headers=headers())
    agreement = ok(response, 201)
    assert agreement["status"] == "draft" and agreement["version"] == 1 and response.headers["ETag"] == '"1"'
    assert len({p["id"] for p in agreement["programs"]}) == 2
    assert agreement["programs"][0]["utilization"] == {"enrolled": 0, "active": 0, "completed": 0, "withdrawn": 0}
    assert ok(http.get(f"/agreements/{agreement['id']}", headers=headers("officer")))["number"] == body["number"]
    [event] = published(redis, "pokmas.agreement.created")
    assert set(event["data"]) == STATE_DATA_KEYS and event["data"]["programs"][1]["capacity"] == 3


def test_a_pks_number_is_unique(http):
    first = new_agreement(http)
    response = http.post("/agreements", json=agreement_body(first["group_id"], number=first["number"].lower()),
                         headers=headers())
    assert response.status_code == 409


@pytest.mark.parametrize("change, field", [
    ({"valid_from": day(10), "valid_until": day(10)}, "valid_until"),
    ({"valid_from": day(10), "valid_until": day(5)}, "valid_until"),
    ({"group_id": str(uuid.uuid4())}, "group_id"),
    ({"group_id": "not-a-uuid"}, "group_id"),
    ({"programs": []}, "programs"),
    ({"programs": [program_body(capacity=0)]}, "programs.0.capacity"),
    ({"programs": [program_body(), program_body(guidance_type="spiritual")]}, "programs.1.guidance_type"),
    ({"signed_on": "28-11-2026"}, "signed_on"),
    ({"signed_on": day(-5), "valid_from": day(-10)}, "signed_on"),
    ({"number": ""}, "number"),
])
def test_invalid_agreements_are_422_naming_the_field(http, change, field):
    group = new_group(http)
    response = http.post("/agreements", json={**agreement_body(group["id"]), **change}, headers=headers())
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]


def test_activation_publishes_the_state_bimbingan_keeps(http, redis):
    agreement = new_agreement(http)
    active = ok(transition(http, agreement, "activate", if_match=1))
    assert active["status"] == "active" and active["version"] == 2
    [event] = published(redis, "pokmas.agreement.activated")
    program = agreement["programs"][0]
    assert event["sequence"] == 2 and event["subject"] == agreement["id"]
    assert event["data"]["programs"] == [{"id": program["id"], "guidance_type": program["guidance_type"],
                                          "capacity": program["capacity"]}]


@pytest.mark.parametrize("valid_from, valid_until", [(day(1), day(30)), (day(-30), day(-1))])
def test_activation_outside_the_validity_period_is_409_explaining_it(http, valid_from, valid_until):
    agreement = new_agreement(http, valid_from=valid_from, valid_until=valid_until)
    response = transition(http, agreement, "activate")
    assert response.status_code == 409 and "validity period" in response.get_json()["detail"]
    assert ok(http.get(f"/agreements/{agreement['id']}", headers=headers()))["status"] == "draft"


def test_active_to_suspended_and_back_then_terminated(http, redis):
    agreement = active_agreement(http)
    assert ok(transition(http, agreement, "suspend", {"reason": "audit pending"}))["status"] == "suspended"
    assert ok(transition(http, agreement, "activate"))["status"] == "active"
    assert ok(transition(http, agreement, "suspend"))["status"] == "suspended"
    assert ok(transition(http, agreement, "resume"))["status"] == "active"
    ended = ok(transition(http, agreement, "terminate", {"reason": "the group dissolved"}))
    assert ended["status"] == "terminated" and ended["version"] == 7
    types = [e["type"] for e in published(redis) if e["subject"] == agreement["id"]]
    assert types == ["pokmas.agreement.created", "pokmas.agreement.activated", "pokmas.agreement.suspended",
                     "pokmas.agreement.activated", "pokmas.agreement.suspended", "pokmas.agreement.activated",
                     "pokmas.agreement.terminated"]
    assert all("the group dissolved" not in str(e["data"]) for e in published(redis))


def test_a_suspended_agreement_can_be_terminated(http):
    agreement = active_agreement(http)
    ok(transition(http, agreement, "suspend"))
    assert ok(transition(http, agreement, "terminate", {"reason": "r"}))["status"] == "terminated"


def test_termination_needs_a_reason(http):
    agreement = active_agreement(http)
    assert transition(http, agreement, "terminate", {}).status_code == 422
    assert transition(http, agreement, "terminate", {"reason": ""}).status_code == 422


def _in_status(http, status: str) -> dict:
    agreement = new_agreement(http)
    steps = {"draft": [], "active": ["activate"], "suspended": ["activate", "suspend"],
             "terminated": ["activate", "terminate"]}[status]
    for action in steps:
        ok(transition(http, agreement, action, {"reason": "r"}))
    return agreement


ILLEGAL = [("draft", "suspend"), ("draft", "resume"), ("draft", "terminate"),
           ("active", "activate"), ("active", "resume"),
           ("suspended", "suspend"),
           ("terminated", "activate"), ("terminated", "resume"), ("terminated", "suspend"),
           ("terminated", "terminate")]


@pytest.mark.parametrize("status, action", ILLEGAL)
def test_an_illegal_transition_is_409_naming_the_current_status(http, redis, status, action):
    agreement = _in_status(http, status)
    before = len(published(redis))
    response = transition(http, agreement, action, {"reason": "r"})
    assert response.status_code == 409
    assert f"current status is {status}" in response.get_json()["detail"]
    assert ok(http.get(f"/agreements/{agreement['id']}", headers=headers()))["status"] == status
    assert len(published(redis)) == before


def test_a_stale_if_match_on_a_transition_is_412_and_changes_nothing(http):
    agreement = active_agreement(http)
    assert transition(http, agreement, "suspend", if_match=1).status_code == 412
    assert ok(http.get(f"/agreements/{agreement['id']}", headers=headers()))["status"] == "active"


def test_unknown_agreements_and_programs_are_404(http):
    agreement = new_agreement(http)
    assert http.get(f"/agreements/{uuid.uuid4()}", headers=headers()).status_code == 404
    assert transition(http, {"id": str(uuid.uuid4())}, "activate").status_code == 404
    path = f"/agreements/{agreement['id']}/programs/{uuid.uuid4()}"
    assert http.patch(path, json={"capacity": 3}, headers=headers()).status_code == 404


def test_a_drafts_programs_can_be_added_and_changed(http, redis):
    agreement = new_agreement(http)
    grown = ok(http.post(f"/agreements/{agreement['id']}/programs", json=program_body(capacity=4),
                         headers=headers(if_match=1)), 201)
    assert len(grown["programs"]) == 2 and grown["version"] == 2
    program_id = agreement["programs"][0]["id"]
    changed = ok(http.patch(f"/agreements/{agreement['id']}/programs/{program_id}",
                            json={"name": "Tata boga", "guidance_type": "kepribadian", "capacity": 1},
                            headers=headers()))
    assert changed["programs"][0] == {**changed["programs"][0], "name": "Tata boga",
                                      "guidance_type": "kepribadian", "capacity": 1}
    assert [e["sequence"] for e in published(redis, "pokmas.agreement.programs_changed")] == [2, 3]


def test_an_active_agreements_programs_may_only_grow_in_capacity(http, redis):
    agreement = active_agreement(http)
    program = agreement["programs"][0]
    path = f"/agreements/{agreement['id']}/programs/{program['id']}"
    grown = ok(http.patch(path, json={"capacity": program["capacity"] + 3, "name": program["name"]},
                          headers=headers()))
    assert grown["programs"][0]["capacity"] == program["capacity"] + 3
    [event] = published(redis, "pokmas.agreement.programs_changed")
    assert event["data"]["status"] == "active" and event["data"]["programs"][0]["capacity"] == program["capacity"] + 3
    for change in ({"capacity": 1}, {"name": "Other"}, {"guidance_type": "kepribadian"}):
        response = http.patch(path, json=change, headers=headers())
        assert response.status_code == 409 and "current status is active" in response.get_json()["detail"]
    added = http.post(f"/agreements/{agreement['id']}/programs", json=program_body(), headers=headers())
    assert added.status_code == 409 and "current status is active" in added.get_json()["detail"]


@pytest.mark.parametrize("status", ["suspended", "terminated"])
def test_programs_of_an_agreement_no_longer_in_draft_or_active_do_not_change(http, status):
    agreement = _in_status(http, status)
    path = f"/agreements/{agreement['id']}/programs/{agreement['programs'][0]['id']}"
    response = http.patch(path, json={"capacity": 50}, headers=headers())
    assert response.status_code == 409 and f"current status is {status}" in response.get_json()["detail"]


def test_lists_filter_by_group_and_status(http):
    group = new_group(http)
    draft = new_agreement(http, group["id"])
    active = active_agreement(http, group_id=group["id"])
    new_agreement(http)
    listed = ok(http.get(f"/agreements?group_id={group['id']}", headers=headers()))["items"]
    assert {a["id"] for a in listed} == {draft["id"], active["id"]}
    only = ok(http.get(f"/agreements?group_id={group['id']}&status=active", headers=headers()))["items"]
    assert [a["id"] for a in only] == [active["id"]]
    assert http.get("/agreements?status=ended", headers=headers()).status_code == 422


def test_a_partner_sees_only_its_own_groups_agreements_and_writes_none(http):
    own, other = new_agreement(http), new_agreement(http)
    partner = headers("partner", group_id=own["group_id"])
    assert [a["id"] for a in ok(http.get("/agreements", headers=partner))["items"]] == [own["id"]]
    assert http.get(f"/agreements/{own['id']}", headers=partner).status_code == 200
    assert http.get(f"/agreements/{other['id']}", headers=partner).status_code == 403
    assert http.get(f"/agreements?group_id={other['group_id']}", headers=partner).status_code == 403
    assert http.post(f"/agreements/{own['id']}/activate", headers=partner).status_code == 403
    body = agreement_body(own["group_id"])
    for role in ("partner", "officer", "auditor"):
        assert http.post("/agreements", json=body, headers=headers(role, own["group_id"])).status_code == 403
