"""The program catalogue (GET /programs) and an office's compliance summary."""
import uuid

from tests.support.client import headers
from tests.support.pokmas_api import day, enrollment_event, program_body
from tests.support.pokmas_flow import active_agreement, new_agreement, new_group, ok, transition


def ids(http, query: str, **header_args) -> set:
    return {p["id"] for p in ok(http.get(f"/programs{query}", headers=headers(**header_args)))["items"]}


def test_the_catalogue_filters_by_guidance_type_and_open_places(http):
    agreement = active_agreement(http, programs=[program_body(guidance_type="kepribadian"),
                                                 program_body(guidance_type="kemandirian")])
    draft = new_agreement(http, programs=[program_body(guidance_type="kepribadian")])
    kepribadian, kemandirian = (p["id"] for p in agreement["programs"])
    drafted = draft["programs"][0]["id"]
    assert ids(http, "") == {kepribadian, kemandirian, drafted}
    assert ids(http, "?guidance_type=kepribadian") == {kepribadian, drafted}
    assert ids(http, "?guidance_type=kepribadian&open=true") == {kepribadian}
    assert ids(http, "?open=false") == {drafted}
    item = ok(http.get(f"/programs/{kepribadian}", headers=headers("officer")))
    assert item["agreement_id"] == agreement["id"] and item["group_id"] == agreement["group_id"]
    assert item["agreement_status"] == "active" and item["open"] is True and item["capacity"] == 2


def test_a_suspended_agreements_programs_leave_the_open_list_and_return_on_reactivation(http):
    agreement = active_agreement(http)
    program_id = agreement["programs"][0]["id"]
    ok(transition(http, agreement, "suspend"))
    assert program_id not in ids(http, "?open=true")
    ok(transition(http, agreement, "activate"))
    assert program_id in ids(http, "?open=true")


def test_the_catalogue_pages_and_a_partner_sees_only_its_groups_programs(http):
    own = active_agreement(http, programs=[program_body() for _ in range(3)])
    other = active_agreement(http)
    first = ok(http.get("/programs?limit=2", headers=headers()))
    rest = ok(http.get(f"/programs?limit=2&cursor={first['next_cursor']}", headers=headers()))
    assert len(first["items"]) == 2 and len(rest["items"]) == 2 and rest["next_cursor"] is None
    partner = {"role": "partner", "group_id": own["group_id"]}
    assert ids(http, "", **partner) == {p["id"] for p in own["programs"]}
    assert http.get(f"/programs/{other['programs'][0]['id']}", headers=headers(**partner)).status_code == 403
    assert http.get(f"/programs?group_id={other['group_id']}", headers=headers(**partner)).status_code == 403
    assert http.get(f"/programs/{uuid.uuid4()}", headers=headers()).status_code == 404
    assert http.get("/programs?open=maybe", headers=headers()).status_code == 422


def test_the_compliance_summary_of_an_office(http, applier):
    office = f"office-{uuid.uuid4().hex[:6]}"
    group, quiet = new_group(http, bapas_office=office), new_group(http, bapas_office=office)
    soon = active_agreement(http, group_id=group["id"], valid_until=day(30))
    active_agreement(http, group_id=group["id"], valid_until=day(90))
    new_agreement(http, group["id"], valid_until=day(10))
    ended = active_agreement(http, group_id=quiet["id"], valid_until=day(20))
    ok(transition(http, ended, "terminate", {"reason": "r"}))
    new_agreement(http)
    program = soon["programs"][0]
    client = str(uuid.uuid4())
    for event in (enrollment_event(program["id"], group["id"], client_id=client),
                  enrollment_event(program["id"], group["id"], client_id=client, status="withdrawn"),
                  enrollment_event(program["id"], group["id"])):
        applier.apply(event)
    summary = ok(http.get(f"/compliance?bapas_office={office}", headers=headers("auditor")))
    assert summary["groups"] == 2
    assert summary["agreements_by_status"] == {"draft": 1, "active": 2, "suspended": 0, "terminated": 1,
                                               "expired": 0}
    assert [(a["id"], a["number"], a["valid_until"]) for a in summary["expiring_within_60_days"]] == [
        (soon["id"], soon["number"], day(30))]
    served = {s["group_id"]: s["clients"] for s in summary["clients_served"]}
    assert served == {group["id"]: 2, quiet["id"]: 0}


def test_compliance_needs_an_office_and_is_not_for_partners(http):
    group = new_group(http)
    assert http.get("/compliance", headers=headers()).status_code == 422
    partner = headers("partner", group_id=group["id"])
    assert http.get("/compliance?bapas_office=palembang", headers=partner).status_code == 403
