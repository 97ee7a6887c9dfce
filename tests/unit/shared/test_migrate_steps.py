"""The index repair every service's migration shares: which entries of an index no record backs."""
from shared.migrate import unbacked
from shared.pagination import index_member

KEY = "svc:idx:things:status=open"


def expecting(records: dict):
    """expected(reader, id) of records {id: {status, sort}}: listed by status and in the whole list."""
    def expected(_reader, record_id, _settings):
        record = records.get(record_id)
        if record is None:
            return None
        member = index_member(record["sort"], record_id)
        return [(f"svc:idx:things:status={record['status']}", member), ("svc:idx:things", member)]
    return expected


def test_entries_of_the_old_form_of_a_record_moved_away_and_of_no_record_are_unbacked():
    records = {"a": {"status": "open", "sort": "2026-01-01"}, "b": {"status": "closed", "sort": "2026-01-02"}}
    members = [index_member("2026-01-01", "a"), "2026-01-01|a", index_member("2026-01-02", "b"),
               index_member("2026-01-03", "gone")]
    assert unbacked(None, KEY, members, expecting(records)) == members[1:]


def test_a_sort_key_holding_a_bar_is_backed_when_its_record_says_so():
    records = {"c": {"status": "open", "sort": "a|b"}}
    assert unbacked(None, KEY, [index_member("a|b", "c")], expecting(records)) == []
