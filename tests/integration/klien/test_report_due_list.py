"""GET /clients?report_due_by=: the clients whose next open wajib lapor due date is on or before a date,
each with next_report_due, from the due lists kept in the same transaction as every write that moves
that date: a schedule, a check-in, the worker's missed marking, an end or a return to active, a corrected
supervision_end or officer."""
import pytest

from shared import clock
from tests.support.client import assert_problem
from tests.support.klien_data import client_body
from tests.support.reporting import day, scheduled_client, worker


@pytest.fixture(autouse=True)
def real_clock():
    yield
    clock.reset()


def due(caller, by: str, **filters) -> list[tuple[str, str]]:
    """(client id, next_report_due) of every page, in the list's order."""
    items, cursor = [], None
    while True:
        query = {"report_due_by": by, "limit": 2, **filters, **({"cursor": cursor} if cursor else {})}
        response = caller.get("/clients", query_string=query)
        assert response.status_code == 200, response.get_data(as_text=True)
        items += [(c["id"], c["next_report_due"]) for c in response.get_json()["items"]]
        cursor = response.get_json()["next_cursor"]
        if not cursor:
            return items


def test_a_schedule_lists_the_client_by_its_first_due_date_soonest_first_with_other_filters(officer):
    later = scheduled_client(officer, first_due_in=3)
    sooner = scheduled_client(officer, first_due_in=1)
    elsewhere = officer.created("/clients", client_body(officer_id="pk-other", supervision_end="2030-12-31"))
    officer.open("PUT", f"/clients/{elsewhere['id']}/reporting", json={"frequency": "monthly", "first_due": day(2)})
    unscheduled = officer.created("/clients", client_body(supervision_end="2030-12-31"))

    assert due(officer, day(0)) == []
    assert due(officer, day(1)) == [(sooner["id"], day(1))]
    assert due(officer, day(3)) == [(sooner["id"], day(1)), (elsewhere["id"], day(2)), (later["id"], day(3))]
    assert due(officer, day(3), officer_id=sooner["officer_id"]) == [(sooner["id"], day(1)), (later["id"], day(3))]
    assert due(officer, day(3), officer_id="pk-other", status="active") == [(elsewhere["id"], day(2))]
    assert due(officer, day(3), status="completed") == []
    assert due(officer, day(3), q=later["register_number"]) == [(later["id"], day(3))]
    plain = {c["id"]: c["next_report_due"] for c in officer.get("/clients?limit=500").get_json()["items"]}
    assert plain[unscheduled["id"]] is None and plain[later["id"]] == day(3)


def test_a_check_in_moves_the_client_to_its_next_due_date(officer):
    client = scheduled_client(officer, first_due_in=1)
    response = officer.post(f"/clients/{client['id']}/check-ins", {"date": day(0), "kind": "lapor_diri"})
    assert response.status_code == 201 and response.get_json()["kept_due"] == day(1)
    assert due(officer, day(7)) == []
    assert due(officer, day(8)) == [(client["id"], day(8))]


def test_a_late_due_date_stays_listed_until_the_worker_marks_it_missed_then_the_next_one_is(officer, redis_url):
    client = scheduled_client(officer, first_due_in=1)
    first, second = day(1), day(8)
    clock.travel(days=5)                                      # first's grace (3 days) ended yesterday
    assert due(officer, first) == [(client["id"], first)]     # late, not marked yet: still the one to report
    assert worker(redis_url).mark_missed_due() == 1
    assert due(officer, first) == []
    assert due(officer, second) == [(client["id"], second)]
    summary = officer.get(f"/clients/{client['id']}").get_json()["reporting"]
    assert (summary["missed"], summary["next_due"]) == (1, second)


def test_an_ended_client_is_not_listed_and_is_again_once_active(officer, klien):
    client = scheduled_client(officer, first_due_in=1)
    ended = officer.post(f"/clients/{client['id']}/status",
                         {"status": "revoked", "reason": "r", "effective_date": day(0)})
    assert ended.status_code == 200, ended.get_data(as_text=True)
    assert due(officer, day(30)) == []
    assert due(officer, day(30), officer_id=client["officer_id"]) == []
    again = klien.as_("admin").post(f"/clients/{client['id']}/status",
                                    {"status": "active", "reason": "set in error", "effective_date": day(0)})
    assert again.status_code == 200, again.get_data(as_text=True)
    assert due(officer, day(30)) == [(client["id"], day(1))]


def test_a_corrected_supervision_end_or_officer_moves_the_client_in_the_due_lists(officer):
    client = scheduled_client(officer, first_due_in=1)
    assert officer.patch(f"/clients/{client['id']}", {"supervision_end": day(0)}).status_code == 200
    assert due(officer, day(30)) == []                       # no due date left before the supervision ends
    assert officer.patch(f"/clients/{client['id']}", {"supervision_end": "2030-12-31"}).status_code == 200
    assert due(officer, day(30)) == [(client["id"], day(1))]
    assert officer.patch(f"/clients/{client['id']}", {"officer_id": "pk-new"}).status_code == 200
    assert due(officer, day(30), officer_id=client["officer_id"]) == []
    assert due(officer, day(30), officer_id="pk-new") == [(client["id"], day(1))]


@pytest.mark.parametrize("value", ["2026-13-01", "next week", "2026-1-5", ""])
def test_a_date_that_is_not_one_is_422_naming_the_filter(officer, value):
    response = officer.get("/clients", query_string={"report_due_by": value})
    assert "report_due_by" in assert_problem(response, 422)["errors"]


def test_the_openapi_document_lists_the_filter_and_the_field(klien):
    """The portal sends report_due_by only when klien's own document lists it (a filter ignored would list all)."""
    document = klien.app.test_client().get("/openapi.json").get_json()
    names = [p["name"] for p in document["paths"]["/clients"]["get"]["parameters"]]
    assert "report_due_by" in names
    assert "next_report_due" in document["components"]["schemas"]["Client"]["properties"]
