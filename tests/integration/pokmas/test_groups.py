"""Groups over HTTP: register, read, list, correct; unique names; partner scoping; the events."""
import uuid

import pytest

from tests.support.client import headers
from tests.support.pokmas_api import group_body
from tests.support.pokmas_flow import new_agreement, new_group, published as events


def register(http, **overrides) -> dict:
    return new_group(http, **overrides)


def test_a_registered_group_is_readable_with_its_version_and_publishes_its_event(http, redis):
    response = http.post("/groups", json=group_body(name="Yayasan Cahaya"), headers=headers())
    assert response.status_code == 201 and response.headers["ETag"] == '"1"'
    group = response.get_json()
    assert group["status"] == "active" and group["version"] == 1
    assert http.get(f"/groups/{group['id']}", headers=headers("auditor")).get_json()["name"] == "Yayasan Cahaya"
    [event] = events(redis, "pokmas.group.registered")
    assert event["subject"] == group["id"] and event["sequence"] == 1
    assert event["data"] == {"id": group["id"], "legal_form": "yayasan", "bapas_office": "palembang",
                             "status": "active"}


def test_a_group_name_is_unique_in_the_region_whatever_its_case(http):
    register(http, name="Pesantren Al Hikmah")
    response = http.post("/groups", json=group_body(name="  pesantren AL   hikmah "), headers=headers())
    assert response.status_code == 409


@pytest.mark.parametrize("change", [{"legal_form": "ngo"}, {"name": ""}, {"bapas_office": None},
                                    {"address": "x" * 501}])
def test_invalid_fields_are_422_naming_them(http, change):
    response = http.post("/groups", json=group_body(**change), headers=headers())
    assert response.status_code == 422
    assert set(change) <= set(response.get_json()["errors"])


def test_a_missing_field_and_an_unknown_group_are_refused(http):
    body = group_body()
    del body["contact"]
    assert http.post("/groups", json=body, headers=headers()).status_code == 422
    assert http.get(f"/groups/{uuid.uuid4()}", headers=headers()).status_code == 404


def test_a_correction_bumps_the_version_and_a_stale_if_match_is_412(http, redis):
    group = register(http)
    response = http.patch(f"/groups/{group['id']}", json={"contact": "0812"}, headers=headers(if_match=1))
    assert response.status_code == 200 and response.get_json()["version"] == 2
    assert response.headers["ETag"] == '"2"'
    stale = http.patch(f"/groups/{group['id']}", json={"contact": "0813"}, headers=headers(if_match=1))
    assert stale.status_code == 412
    assert http.get(f"/groups/{group['id']}", headers=headers()).get_json()["contact"] == "0812"
    assert [e["sequence"] for e in events(redis, "pokmas.group.updated")] == [2]


def test_renaming_onto_another_groups_name_is_409_and_the_old_name_is_freed(http):
    first, second = register(http, name="Alpha"), register(http, name="Beta")
    assert http.patch(f"/groups/{second['id']}", json={"name": "ALPHA"}, headers=headers()).status_code == 409
    assert http.patch(f"/groups/{first['id']}", json={"name": "Gamma"}, headers=headers()).status_code == 200
    assert http.patch(f"/groups/{second['id']}", json={"name": "Alpha"}, headers=headers()).status_code == 200


def test_lists_filter_by_office_and_legal_form_and_page_by_name(http):
    register(http, name="C", bapas_office="lahat")
    register(http, name="A", bapas_office="lahat", legal_form="pesantren")
    register(http, name="B", bapas_office="lahat")
    register(http, name="D", bapas_office="baturaja")
    first = http.get("/groups?bapas_office=lahat&limit=2", headers=headers()).get_json()
    assert [g["name"] for g in first["items"]] == ["A", "B"]
    rest = http.get(f"/groups?bapas_office=lahat&limit=2&cursor={first['next_cursor']}", headers=headers())
    assert [g["name"] for g in rest.get_json()["items"]] == ["C"] and rest.get_json()["next_cursor"] is None
    only = http.get("/groups?bapas_office=lahat&legal_form=pesantren", headers=headers()).get_json()["items"]
    assert [g["name"] for g in only] == ["A"]


def test_a_moved_group_leaves_its_old_offices_list(http):
    group = register(http, bapas_office="lahat")
    http.patch(f"/groups/{group['id']}", json={"bapas_office": "muara enim"}, headers=headers())
    assert http.get("/groups?bapas_office=lahat", headers=headers()).get_json()["items"] == []
    moved = http.get("/groups?bapas_office=muara%20enim", headers=headers()).get_json()["items"]
    assert [g["id"] for g in moved] == [group["id"]]


def test_a_partner_sees_only_its_own_group(http):
    own, other = register(http), register(http)
    partner = headers("partner", group_id=own["id"])
    assert [g["id"] for g in http.get("/groups", headers=partner).get_json()["items"]] == [own["id"]]
    assert http.get(f"/groups/{own['id']}", headers=partner).status_code == 200
    assert http.get(f"/groups/{other['id']}", headers=partner).status_code == 403


@pytest.mark.parametrize("role", ["partner", "officer", "auditor"])
def test_only_an_admin_registers_or_changes_groups(http, role):
    group = register(http)
    who = headers(role, group_id=group["id"] if role == "partner" else None)
    assert http.post("/groups", json=group_body(), headers=who).status_code == 403
    assert http.patch(f"/groups/{group['id']}", json={"contact": "x"}, headers=who).status_code == 403


def test_a_correction_that_changes_nothing_keeps_the_version_and_publishes_nothing(http, redis):
    group = register(http)
    same = http.patch(f"/groups/{group['id']}", json={"contact": group["contact"]}, headers=headers())
    assert same.status_code == 200 and same.get_json()["version"] == 1
    assert events(redis, "pokmas.group.updated") == []


def test_a_partner_gets_the_same_403_for_another_groups_records_and_missing_ones(http):
    own, other = new_agreement(http), new_agreement(http)
    partner = headers("partner", group_id=own["group_id"])
    for existing, missing in ((f"/groups/{other['group_id']}", f"/groups/{uuid.uuid4()}"),
                              (f"/agreements/{other['id']}", f"/agreements/{uuid.uuid4()}"),
                              (f"/programs/{other['programs'][0]['id']}", f"/programs/{uuid.uuid4()}")):
        answers = [http.get(path, headers=partner) for path in (existing, missing)]
        assert [a.status_code for a in answers] == [403, 403], existing
        assert answers[0].get_json()["detail"] == answers[1].get_json()["detail"]
    assert http.get(f"/agreements/{uuid.uuid4()}", headers=headers()).status_code == 404
