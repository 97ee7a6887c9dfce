"""The index repair every service's migration shares: which members are of the old form."""
from shared.migrate import old_form
from shared.pagination import index_member


def test_old_form_members_are_those_whose_sort_key_ends_with_a_bar():
    assert old_form("2026-01-02T03:04:05Z|3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e")
    assert old_form("yayasan a|id")
    assert not old_form(index_member("yayasan a", "id"))
    assert not old_form(index_member("a|b", "id"))       # a sort key may hold a bar itself
    assert not old_form("3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e")   # the expiry index holds bare ids
