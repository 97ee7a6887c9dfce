"""GET /clients: filters, search on name or register number, stable cursor pages, indexes kept on change."""
from tests.support.client import assert_problem
from tests.support.klien_data import client_body


def listed(caller, **params) -> list[dict]:
    """Every page of a listing, following next_cursor."""
    items, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = caller.get("/clients", query_string=query)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        items += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            return items


def numbers(items) -> list[str]:
    return [c["register_number"] for c in items]


def test_pages_walk_every_client_once_in_register_number_order(officer):
    made = [officer.created("/clients", client_body(register_number=f"PG-{i:03d}")) for i in range(7)]
    first = officer.get("/clients", query_string={"limit": 3}).get_json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    officer.created("/clients", client_body(register_number="PG-000a"))   # lands on the page already read
    assert numbers(listed(officer, limit=3)) == [c["register_number"] for c in made[:1]] + ["PG-000a"] + [
        c["register_number"] for c in made[1:]]


def test_filters_by_status_officer_and_supervision_type_combine(officer):
    a = officer.created("/clients", client_body(register_number="F-1", officer_id="pk-a", supervision_type="DIVERSI",
                                                decree=None, birth_date="2010-01-01"))
    b = officer.created("/clients", client_body(register_number="F-2", officer_id="pk-a"))
    c = officer.created("/clients", client_body(register_number="F-3", officer_id="pk-b"))
    officer.post(f"/clients/{b['id']}/status", {"status": "completed", "reason": "r", "effective_date": "2026-05-01"})
    assert numbers(listed(officer, officer_id="pk-a")) == ["F-1", "F-2"]
    assert numbers(listed(officer, status="active")) == ["F-1", "F-3"]
    assert numbers(listed(officer, status="completed")) == ["F-2"]
    assert numbers(listed(officer, supervision_type="PB", status="active")) == ["F-3"]
    assert numbers(listed(officer, officer_id="pk-a", status="active", supervision_type="DIVERSI")) == ["F-1"]
    assert listed(officer, officer_id="pk-nobody") == []
    assert {a["id"], c["id"]} == {x["id"] for x in listed(officer, status="active")}


def test_q_finds_by_name_words_or_register_number_in_any_case(officer):
    officer.created("/clients", client_body(register_number="PAS-2026-0042", name="Budi Santoso"))
    officer.created("/clients", client_body(register_number="PAS-2026-0043", name="Siti Budiarti"))
    officer.created("/clients", client_body(register_number="LP-9", name="Andi Wijaya"))
    assert numbers(listed(officer, q="bud")) == ["PAS-2026-0042", "PAS-2026-0043"]
    assert numbers(listed(officer, q="BUDI SAN")) == ["PAS-2026-0042"]
    assert numbers(listed(officer, q="pas-2026-0043")) == ["PAS-2026-0043"]
    assert numbers(listed(officer, q="lp9")) == ["LP-9"]
    assert listed(officer, q="santoso wijaya") == []


def test_q_lists_a_client_whose_words_share_the_prefix_once_across_pages(officer):
    for i in range(4):
        officer.created("/clients", client_body(register_number=f"Q-{i}", name=f"Budi Budiman Budianto {i}"))
    assert sorted(numbers(listed(officer, q="bud", limit=1))) == ["Q-0", "Q-1", "Q-2", "Q-3"]


def test_q_combines_with_filters(officer):
    officer.created("/clients", client_body(register_number="QF-1", name="Dewi Lestari", officer_id="pk-x"))
    officer.created("/clients", client_body(register_number="QF-2", name="Dewi Sartika", officer_id="pk-y"))
    assert numbers(listed(officer, q="dewi", officer_id="pk-y")) == ["QF-2"]


def test_a_correction_moves_the_client_in_every_index(officer):
    client = officer.created("/clients", client_body(register_number="IX-1", name="Rudi Hartono", officer_id="pk-old"))
    officer.patch(f"/clients/{client['id']}", {"name": "Rahmat Hidayat", "officer_id": "pk-new",
                                               "register_number": "IX-2", "supervision_type": "DIVERSI",
                                               "birth_date": "2010-01-01"})
    assert listed(officer, q="rudi") == [] and listed(officer, officer_id="pk-old") == []
    assert listed(officer, q="ix-1") == [] and listed(officer, supervision_type="PB") == []
    assert numbers(listed(officer, q="rahmat")) == ["IX-2"]
    assert numbers(listed(officer, officer_id="pk-new", supervision_type="DIVERSI")) == ["IX-2"]
    assert numbers(listed(officer)) == ["IX-2"]


def test_a_cursor_not_issued_by_the_service_and_bad_filters_are_422(officer):
    assert "cursor" in assert_problem(officer.get("/clients?cursor=bm9wZQ"), 422)["errors"]
    client = officer.created("/clients", client_body())
    # "nope", "x|h" (shaped like a history cursor), "²|h" (a digit to str.isdigit) and a number past Redis's range
    for cursor in ("bm9wZQ", "eHxo", "wrJ8aA", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OXxo"):
        history = officer.get(f"/clients/{client['id']}/history?cursor={cursor}")
        assert "cursor" in assert_problem(history, 422)["errors"]
    assert "status" in assert_problem(officer.get("/clients?status=gone"), 422)["errors"]
    assert "limit" in assert_problem(officer.get("/clients?limit=501"), 422)["errors"]
    assert "q" in assert_problem(officer.get("/clients?q=---"), 422)["errors"]


def test_a_page_examines_a_bounded_number_of_index_entries(officer, klien, monkeypatch):
    from services.klien.repository import clients as repository
    monkeypatch.setattr(repository, "SCAN_BUDGET", 3)
    for i in range(5):   # the one sought sorts last among the names matching "sb"
        officer.created("/clients", client_body(register_number=f"T-{i}", name="Sbzz" if i == 4 else "Sbaa",
                                    officer_id="pk-few" if i == 4 else "pk-many"))
    page = officer.get("/clients", query_string={"q": "sb", "officer_id": "pk-few"}).get_json()
    assert page["items"] == [] and page["next_cursor"]
    assert numbers(listed(officer, q="sb", officer_id="pk-few")) == ["T-4"]


def test_a_query_parameter_the_list_does_not_know_is_422_naming_it(officer):
    officer.created("/clients", client_body())
    for unknown in ("attention_required", "supervision_end_before"):
        body = assert_problem(officer.get(f"/clients?{unknown}=true"), 422)
        assert list(body["errors"]) == [unknown]


def test_who_needs_attention_whose_supervision_ends_soon_and_a_client_by_nik(officer, klien):
    from datetime import timedelta

    from shared import clock
    from tests.support.klien_data import enrollment_data
    today = clock.today()
    soon = officer.created("/clients", client_body(register_number="E-1", nik="1671010101800021",
                                                   supervision_end=(today + timedelta(days=5)).isoformat()))
    later = officer.created("/clients", client_body(register_number="E-2", nik="1671010101800022",
                                                    supervision_end=(today + timedelta(days=60)).isoformat()))
    enrollment = enrollment_data(later["id"])
    klien.deliver("bimbingan.enrollment.created", enrollment, 1)
    assert numbers(listed(officer, attention="true")) == []
    klien.deliver("bimbingan.enrollment.attention_required",
                  {**enrollment, "sessions_missed": 3, "consecutive_absences": 3}, 2)
    assert numbers(listed(officer, attention="true")) == ["E-2"]
    assert numbers(listed(officer, attention="false")) == ["E-1"]
    officer.patch(f"/clients/{later['id']}", {"register_number": "E-3"})      # the index follows a correction
    assert numbers(listed(officer, attention="true")) == ["E-3"]
    klien.deliver("bimbingan.enrollment.withdrawn", {**enrollment, "status": "withdrawn", "sessions_missed": 3,
                                                     "consecutive_absences": 3, "ended_on": today.isoformat()}, 3)
    assert numbers(listed(officer, attention="true")) == []
    assert numbers(listed(officer, ending_within_days=30)) == ["E-1"]
    assert numbers(listed(officer, ending_within_days=60)) == ["E-1", "E-3"]
    officer.post(f"/clients/{soon['id']}/status", {"status": "completed", "reason": "x",
                                                   "effective_date": today.isoformat()})
    assert numbers(listed(officer, ending_within_days=60)) == ["E-3"]
    assert numbers(listed(officer, nik="1671010101800022")) == ["E-3"]
    assert_problem(officer.get("/clients?nik=123"), 422)
    assert klien.redis.keys("*1671010101800022*") == []     # no key holds a NIK, index or uniqueness slot
