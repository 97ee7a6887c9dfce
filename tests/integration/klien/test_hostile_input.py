"""Nothing a client sends produces a 5xx: every hostile body gets a 4xx problem."""
import pytest

from tests.support.klien_data import client_body

HOSTILE_BODIES = [
    "[]", "null", "42", '"text"', "{", "{\"register_number\": }", "\u0000", '{"a": ' * 50 + "1" + "}" * 50,
    {}, {"unknown": 1}, {"name": None}, {"name": 12}, {"name": ["x"]}, {"name": {"$ne": 1}},
    {"nik": 1671010101800001}, {"nik": "1" * 10_000}, {"name": "x" * 100_000}, {"decree": []},
    {"decree": {"number": None, "date": "2026-01-01"}}, {"decree": {"number": "x", "date": 20260101}},
    {"birth_date": "0000-00-00"}, {"birth_date": "9999-99-99"}, {"birth_date": "2026-02-29"},
    {"supervision_start": "2026-01-01T00:00:00Z"}, {"officer_id": "../../etc"}, {"officer_id": "*"},
    {"register_number": "klien:client:*"}, {"register_number": "\udcff"}, {"sex": "l"},
    {"supervision_type": "pb"}, {"status": "active"}, {"version": 99}, {"id": "x"},
]


def bodies():
    for body in HOSTILE_BODIES:
        if isinstance(body, str):
            yield body
        else:
            yield {**client_body(), **body} if body and "unknown" not in body else body
            yield body


def send(caller, method, path, body):
    if isinstance(body, str):
        return caller.open(method, path, data=body.encode("utf-8", "surrogatepass"), content_type="application/json")
    return caller.open(method, path, json=body)


@pytest.mark.parametrize("target", ["register", "correct", "status"])
def test_no_hostile_body_gets_a_server_error(officer, target):
    client = officer.created("/clients", client_body())
    method, path = {"register": ("POST", "/clients"), "correct": ("PATCH", f"/clients/{client['id']}"),
                    "status": ("POST", f"/clients/{client['id']}/status")}[target]
    answers = {}
    for body in bodies():
        response = send(officer, method, path, body)
        answers[str(body)[:60]] = response.status_code
        assert response.mimetype == "application/problem+json" or response.status_code < 300
    assert all(status < 500 for status in answers.values()), answers


@pytest.mark.parametrize("query", ["limit=0", "limit=-1", "limit=abc", "limit=99999999999999999999",
                                   "cursor=" + "A" * 600,
                                   "cursor=%00", "q=" + "a" * 101, "q=%F0%9F%98%80", "officer_id=%2A",
                                   "status=active&status=revoked", "supervision_type=pb"])
def test_no_hostile_query_gets_a_server_error(officer, query):
    assert officer.get("/clients?" + query).status_code < 500


def test_bad_if_match_is_412_not_500(officer):
    client = officer.created("/clients", client_body())
    for header in ('"abc"', "W/\"1\"", "1", '"' + "9" * 40 + '"'):
        assert officer.patch(f"/clients/{client['id']}", {"name": "x"}, headers={"If-Match": header}).status_code == 412
