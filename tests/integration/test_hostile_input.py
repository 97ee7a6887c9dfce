"""Input built to break the parser, the validators or Redis gets a 4xx problem, never a 5xx (issue 14)."""
import json

import pytest

from tests.support.klien_app import Klien
from tests.support.klien_data import client_body

PROBLEM = "application/problem+json"


@pytest.fixture
def admin(redis_url):
    return Klien(redis_url).as_("admin")


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
    created = admin.created(client_body())
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

