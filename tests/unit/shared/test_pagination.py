"""Cursors are opaque, round-trip, and a forged one is a 422 naming `cursor`."""
from itertools import combinations
from urllib.parse import quote

import pytest

from shared import pagination
from shared.errors import Invalid


def test_a_cursor_round_trips():
    member = pagination.index_member("2026-01-01T00:00:00.000Z", "3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e")
    assert pagination.decode_cursor(pagination.encode_cursor(member)) == member
    assert pagination.member_id(member) == "3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e"


def test_a_forged_cursor_is_refused_naming_the_field():
    with pytest.raises(Invalid) as caught:
        pagination.decode_cursor("%%%")
    assert "cursor" in caught.value.errors


def test_limits_are_bounded():
    schema = pagination.PageArgs()
    assert schema.load({}) == {"limit": 50, "cursor": None}
    assert "limit" in schema.validate({"limit": 501})
    assert "limit" in schema.validate({"limit": 0})


def test_index_members_sort_by_the_whole_sort_key_first():
    """Redis orders members bytewise (ZRANGEBYLEX): a name that is a prefix of another comes first."""
    names = ["yayasan aa", "yayasan a b", "yayasan a"]
    members = [pagination.index_member(name, f"id-{i}") for i, name in enumerate(names)]
    ordered = sorted(members, key=lambda m: m.encode())
    assert [pagination.member_sort_key(m) for m in ordered] == ["yayasan a", "yayasan a b", "yayasan aa"]


def test_a_record_is_in_the_index_of_each_combination_of_its_filters():
    names = ("client_id", "program_id", "status", "group_id")
    record = {"client_id": "a b", "program_id": "p/1:x", "status": "open", "group_id": None}
    expected = [pagination.filter_index("svc", "things", subset, record) for size in range(len(names) + 1)
                for subset in combinations(names, size)]
    assert pagination.filter_indexes("svc", "things", names, record) == expected
    assert "svc:idx:things:client_id=a%20b:program_id=p%2F1%3Ax:status=open" in expected


def test_index_keys_quote_each_value_as_quote_does():
    """Ids and statuses skip quote(): what it leaves as it is, and only that, is passed as it is."""
    values = ["open", "0b5c-4E_x.y~z", "", "a b", "p/1:x", "é", "ab\n", "%41", "a*", "١٢", "ǅ"] + [chr(c) for c in range(600)]
    for value in values:
        assert pagination.filter_index("svc", "things", ("status",), {"status": value}) == (
            f"svc:idx:things:status={quote(value, safe='')}"), value
