"""Input built to break the parser, the validators or Redis gets a 4xx problem, never a 5xx (issue 14)."""
import json

import pytest

from tests.support.client import ServiceApp
from tests.support.klien_data import client_body

PROBLEM = "application/problem+json"


@pytest.fixture
def admin(redis_url):
    return ServiceApp("klien", redis_url).as_("admin")


def assert_refused(response, *statuses):
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == PROBLEM


def raw_post(caller, path, text):
    return caller.post(path, data=text, content_type="application/json")


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_json_nested_deeper_than_any_schema_is_400(admin, depth):
    assert_refused(raw_post(admin, "/clients", "[" * depth + "]" * depth), 400)
    assert_refused(raw_post(admin, "/clients", '{"a":' * depth + "1" + "}" * depth), 400)


def test_a_decree_nested_thousands_deep_is_refused(admin):
    body = json.dumps(client_body())
    decree = '{"number":' * 5_000 + '"1"' + "}" * 5_000
    assert_refused(raw_post(admin, "/clients", body[:-1] + f', "decree": {decree}}}'), 400, 422)
    assert admin.get("/clients").get_json()["items"] == []


def test_a_number_of_five_thousand_digits_is_refused(admin):
    body = json.dumps(client_body())
    assert_refused(raw_post(admin, "/clients", body[:-1] + ', "extra": ' + "9" * 5_001 + "}"), 400, 422)


@pytest.mark.parametrize("tag", ['"' + "9" * 5_000 + '"', '"\u0663"', '"\u00b2"', '"1\u0660"', '"-1"', '" 1"'],
                         ids=["5000-nines", "arabic-indic", "superscript", "mixed-digits", "negative", "space"])
def test_an_if_match_that_is_no_version_is_412_or_400(admin, tag):
    created = admin.created("/clients", client_body())
    response = admin.patch(f"/clients/{created['id']}", {"address": "Jl. Baru 1"}, headers={"If-Match": tag})
    assert_refused(response, 400, 412)
    assert admin.get(f"/clients/{created['id']}").get_json()["version"] == created["version"]


@pytest.mark.parametrize("after", ["99999999999999999999-99999999999999999999", "18446744073709551615-18446744073709551615",
                                   "18446744073709551616-0", "0-0", "AAA", "1-\u0661"])
def test_an_audit_cursor_past_any_id_is_4xx_or_an_empty_page(admin, after):
    response = admin.get("/audit", query_string={"after": after})
    if response.status_code == 200:
        assert response.get_json()["next_after"] is None
    else:
        assert_refused(response, 422)


@pytest.mark.parametrize("after", ["0-0", "0-1", "18446744073709551615-18446744073709551615", "18446744073709551616-0"])
def test_an_audit_cursor_at_either_end_read_newest_first_is_a_page_or_422(admin, after):
    response = admin.get("/audit", query_string={"after": after, "order": "newest"})
    if response.status_code == 200:
        items = response.get_json()["items"]
        assert [e["id"] for e in items] == sorted((e["id"] for e in items), key=lambda i: tuple(map(int, i.split("-"))),
                                                  reverse=True)
    else:
        assert_refused(response, 422)


CONTROLS = {"nul": "\x00", "esc-ansi": "\x1b[31m", "cr-lf": "a\r\nb", "tab": "a\tb", "del": "\x7f", "c1": "\x85",
            "rtl-override": "\u202e", "rtl-isolate": "\u2067", "line-separator": "\u2028", "lone-surrogate": "\ud800"}


def raw_json(body: dict, ascii_only: bool = True) -> bytes:
    """As a client sends it: every character outside ASCII escaped (\\ud800 stays an escape), or, with
    `ascii_only` False, written out as UTF-8 (what JSON lets through unescaped: DEL, C1, bidi marks)."""
    text = json.dumps(body, ensure_ascii=ascii_only, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("text", CONTROLS.values(), ids=CONTROLS.keys())
def test_control_characters_and_lone_surrogates_are_refused_in_every_text_field(admin, text):
    for field, body in (("name", client_body(name=f"Budi{text}")), ("address", client_body(address=text)),
                        ("decree.number", client_body(decree={"number": f"SK{text}1", "date": "2025-01-01"}))):
        for ascii_only in (True, False) if text != "\ud800" else (True,):  # UTF-8 has no lone surrogate
            response = admin.post("/clients", data=raw_json(body, ascii_only), content_type="application/json")
            assert_refused(response, 422)
            assert field in response.get_json()["errors"], response.get_json()
    if text != "\ud800":  # a URL cannot carry a lone surrogate (percent-encoded, it decodes to U+FFFD)
        assert_refused(admin.get("/clients", query_string={"q": f"Budi{text}"}), 422)
    assert admin.get("/clients").get_json()["items"] == []


def test_text_outside_the_controls_is_kept_as_sent(admin):
    name = "Siti Nurhaliza binti Abdul \u0628\u0627\u0628 \u00e9 \U0001f600 a\u200db"
    created = admin.created("/clients", client_body(name=name))
    assert admin.get(f"/clients/{created['id']}").get_json()["name"] == name


@pytest.mark.parametrize("body", ["[]", json.dumps([client_body()]), '"a client"', "42"])
def test_a_json_body_that_is_no_object_is_400_saying_so(admin, body):
    answer = raw_post(admin, "/clients", body)
    assert_refused(answer, 400)
    assert "JSON object" in answer.get_json()["detail"]
    assert admin.get("/clients").get_json()["items"] == []


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data"])
def test_a_body_that_is_not_json_is_415_naming_what_to_send(admin, content_type):
    answer = admin.post("/clients", data="name=Budi&nik=1234567890123456", content_type=content_type)
    assert_refused(answer, 415)
    assert "application/json" in answer.get_json()["detail"]
    assert admin.get("/clients").get_json()["items"] == []


def test_a_path_id_that_is_no_uuid_is_a_problem_404(admin):
    answer = admin.get("/clients/not-a-uuid")
    assert_refused(answer, 404)
