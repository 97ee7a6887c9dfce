"""The PK home's reads when the services offer the batch reads (issue 21): its calls do not grow with the
caseload (feedback IDS_PER_CALL enrollments a call, sessions one call per partner group, reports due read off
the caseload), and the page shows what it showed with a call per enrollment."""
import uuid
from datetime import timedelta

from services.portal import dates
from services.portal.routes.beranda import IDS_PER_CALL
from tests.unit.portal.conftest import page
from tests.unit.portal.test_pages import GROUP_ID, PROGRAM, PROGRAM_ID, client, pages

OTHER_PROGRAM = "66666666-6666-4666-8666-000000000001"
BATCH_READS = [("/enrollments", "id"), ("/enrollments", "attendance_from"), ("/enrollments", "attendance_flagged"),
               ("/sessions", "group_id")]


def _id(n: int) -> str:
    return str(uuid.UUID(int=n + 1, version=4))


def _at(day) -> str:
    return f"{day.isoformat()}T02:00:00Z"            # 09:00 WIB, the same date in Indonesia


def _caseload(count: int, **overrides) -> list:
    """`count` clients of the PK, each with one open enrollment in PROGRAM (GROUP_ID)."""
    return [client(id=_id(n), name=f"Klien {n:03d}", guidance={"enrollments": [
        {"enrollment_id": _id(1000 + n), "program_id": PROGRAM_ID, "group_id": GROUP_ID, "status": "enrolled"}]},
        **overrides) for n in range(count)]


def _world(services, caseload: list, offered=BATCH_READS):
    """klien lists the caseload with guidance; bimbingan answers the batch reads: enrollment 1000's marks hold a
    flagged note of yesterday and one of 40 days ago, enrollment 1001's a mark that is not flagged."""
    services.klien.parameters.update({("/clients", "guidance"), ("/clients", "report_due_by")})
    services.bimbingan.parameters.update(offered)
    services.klien.answers[("GET", "/clients")] = pages(*caseload)
    services.pokmas.answers[("GET", "/programs")] = pages(PROGRAM, {**PROGRAM, "id": OTHER_PROGRAM, "name": "Lain"})
    today = dates.today()
    marks = {_id(1000): [{"session_id": _id(1), "starts_at": _at(today - timedelta(days=40)), "attendance": "late",
                          "behaviour_note": "Dulu sekali", "pk_should_know": True},
                         {"session_id": _id(2), "starts_at": _at(today - timedelta(days=1)), "attendance": "present",
                          "behaviour_note": "Sering melamun", "pk_should_know": True}],
             _id(1001): [{"session_id": _id(2), "starts_at": _at(today - timedelta(days=1)), "attendance": "present",
                          "behaviour_note": "Biasa saja", "pk_should_know": False}]}
    services.bimbingan.answers[("GET", "/enrollments")] = lambda params: pages(
        *[{"id": eid, "status": "enrolled", "attendance": marks.get(eid, [])} for eid in params.get("id", [])])
    monday = dates.week_of(today)[0]
    services.bimbingan.answers[("GET", "/sessions")] = lambda params: pages(
        {"id": _id(3), "program_id": PROGRAM_ID, "group_id": GROUP_ID, "starts_at": _at(monday), "status": "scheduled",
         "topic": "Kajian pekan ini"},
        {"id": _id(4), "program_id": OTHER_PROGRAM, "group_id": GROUP_ID, "starts_at": _at(monday),
         "status": "scheduled", "topic": "Program lain"})


def _bimbingan_reads(services) -> list:
    return [(path, params) for method, path, params in services.bimbingan.calls if method == "GET"]


def test_the_feedback_is_read_in_a_call_per_batch_of_enrollments_and_the_sessions_per_group(as_pk, services):
    _world(services, _caseload(IDS_PER_CALL + 10))
    soup = page(as_pk.get("/"))
    items = soup.find("h2", string="Catatan mitra untuk PK").find_next("ul").select("li")
    assert [("Klien 000" in li.get_text(), "Sering melamun" in li.get_text()) for li in items] == [(True, True)]
    week = soup.find("h2", string=lambda text: text and text.startswith("Sesi minggu ini")).find_next("ul")
    assert "Kajian pekan ini" in week.get_text() and "Program lain" not in week.get_text()   # not the caseload's
    reads = _bimbingan_reads(services)
    batches = [params for path, params in reads if path == "/enrollments"]
    assert [len(params["id"]) for params in batches] == [IDS_PER_CALL, 10]
    since = (dates.today() - timedelta(days=28)).isoformat()
    assert all(params["attendance_from"] == since and params["attendance_flagged"] == "true" for params in batches)
    monday, sunday = dates.week_of(dates.today())
    assert [params for path, params in reads if path == "/sessions"] == [
        {"group_id": GROUP_ID, "from": monday.isoformat(), "to": sunday.isoformat()}]
    assert len(reads) == 3                                      # no call per enrollment, per session or per program


def test_without_the_flag_filter_the_unflagged_marks_are_left_out_by_the_portal(as_pk, services):
    _world(services, _caseload(2), offered=BATCH_READS[:2])
    soup = page(as_pk.get("/"))
    text = soup.find("h2", string="Catatan mitra untuk PK").find_next("ul").get_text()
    assert "Sering melamun" in text and "Biasa saja" not in text and "Dulu sekali" not in text
    reads = _bimbingan_reads(services)
    assert all("attendance_flagged" not in params for path, params in reads if path == "/enrollments")
    assert [params["program_id"] for path, params in reads if path == "/sessions"] == [PROGRAM_ID]   # per program


def test_a_pk_home_takes_the_reports_due_this_week_from_its_caseload(as_pk, services):
    sunday = dates.week_of(dates.today())[1]
    late, on_sunday, later = ((dates.today() - timedelta(days=2)).isoformat(), sunday.isoformat(),
                              (sunday + timedelta(days=1)).isoformat())
    caseload = [client(id=_id(n), name=name, next_report_due=due, guidance={"enrollments": []})
                for n, (name, due) in enumerate([("Ani", on_sunday), ("Budi", late), ("Citra", later), ("Dedi", None)])]
    _world(services, caseload)
    soup = page(as_pk.get("/"))
    rows = soup.find("h2", id="lapor-minggu-ini").find_next("table").select("tbody tr")
    assert [r.select_one("a").get_text(strip=True) for r in rows] == ["Budi", "Ani"]          # soonest first
    assert "Terlambat" in rows[0].get_text() and soup.select(".card__number")[3].get_text(strip=True) == "2"
    assert not [params for _m, path, params in services.klien.calls if "report_due_by" in params]
    assert not _bimbingan_reads(services)                       # no open enrollment: no second round


def test_a_head_of_office_still_asks_klien_for_the_reports_due(as_admin, services):
    _world(services, [client(next_report_due=dates.today().isoformat())])
    page(as_admin.get("/"))
    assert [params for _m, path, params in services.klien.calls if "report_due_by" in params]


def test_a_pk_home_names_this_weeks_programs_from_its_caseloads_guidance(as_pk, services):
    named = [client(id=_id(0), name="Klien 000", guidance={"enrollments": [
        {"enrollment_id": _id(1000), "program_id": PROGRAM_ID, "group_id": GROUP_ID, "status": "enrolled",
         "program_name": "Kajian akhlak", "guidance_type": "kepribadian", "group_name": "Pesantren"}]})]
    _world(services, named)
    week = page(as_pk.get("/")).find("h2", string=lambda text: text and text.startswith("Sesi minggu ini"))
    assert "Kajian pekan ini" in week.find_next("ul").get_text() and "Kajian akhlak" in week.find_next("ul").get_text()
    assert services.pokmas.calls == []                  # no catalogue of the region read


def test_a_program_klien_has_not_named_yet_is_asked_of_pokmas_by_id(as_pk, services):
    _world(services, _caseload(1))
    services.pokmas.answers[("GET", f"/programs/{PROGRAM_ID}")] = PROGRAM
    week = page(as_pk.get("/")).find("h2", string=lambda text: text and text.startswith("Sesi minggu ini"))
    assert "Kajian akhlak" in week.find_next("ul").get_text()
    assert [path for _m, path, _p in services.pokmas.calls] == [f"/programs/{PROGRAM_ID}"]
