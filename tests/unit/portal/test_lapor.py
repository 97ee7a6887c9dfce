"""Wajib lapor in the portal: the home's reports due this week, the client page's schedule and check-ins,
the schedule and check-in forms, and clearing the attention flag after checking the answers."""
import re
from datetime import date, timedelta

import pytest

from services.portal import dates, reporting
from tests.support.portal_fakes import problem
from tests.unit.portal.conftest import page
from tests.unit.portal.test_pages import CLIENT_ID, GROUP, PROGRAM, client, pages

OTHER_ID = "77777777-7777-4777-8777-777777777777"
REPORTING_ID = "99999999-9999-4999-8999-999999999999"


def schedule(**overrides):
    return {"id": REPORTING_ID, "client_id": CLIENT_ID, "version": 4, "frequency": "weekly",
            "first_due": "2026-01-12", "next_due": dates.today().isoformat(), "kept": 2, "missed": 3, "run": 3,
            "attention_required": False, "grace_days": 3, "attention": None, "attention_log": [], "items": [],
            "next_cursor": None, **overrides}


def _client_page_world(services, reporting_answer, check_ins=()):
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}")] = client()
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}/history")] = pages()
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}/reporting")] = reporting_answer
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}/check-ins")] = pages(*check_ins)
    services.bimbingan.answers[("GET", "/enrollments")] = pages()
    services.pokmas.answers[("GET", "/programs")] = pages(PROGRAM)
    services.pokmas.answers[("GET", "/groups")] = pages(GROUP)


def _form_world(services, reporting_answer):
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}")] = client()
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}/reporting")] = reporting_answer


def _home_world(services, due: list):
    """klien offers report_due_by and lists `due` for it; the caseload is every client without it."""
    services.klien.parameters.add(("/clients", "report_due_by"))
    caseload = [client(), client(id=OTHER_ID, name="Ani Lestari", officer_id="pk2")]
    services.klien.answers[("GET", "/clients")] = lambda params: pages(*(due if params.get("report_due_by")
                                                                         else caseload))
    services.bimbingan.answers[("GET", "/enrollments")] = pages()
    services.pokmas.answers[("GET", "/programs")] = pages()


def test_the_pk_home_lists_the_reports_due_this_week_soonest_first_in_one_call(as_pk, services):
    sunday = dates.week_of(dates.today())[1]
    _home_world(services, [client(next_report_due=sunday.isoformat()),
                           client(id=OTHER_ID, name="Ani Lestari", next_report_due=dates.today().isoformat())])
    soup = page(as_pk.get("/"))
    rows = soup.find("h2", id="lapor-minggu-ini").find_next("table").select("tbody tr")
    assert [r.select_one("a").get_text(strip=True) for r in rows] == ["Ani Lestari", "Budi Santoso"]
    assert rows[1].select("a")[1]["href"] == f"/klien/{CLIENT_ID}/lapor"
    assert "wajib lapor minggu ini" in soup.select(".card")[3].get_text()
    assert soup.select(".card__number")[3].get_text(strip=True) == "2"
    assert ("GET", "/clients", {"status": "active", "report_due_by": sunday.isoformat(), "officer_id": "pk1"}) in \
        services.klien.calls
    assert not [path for _method, path, _ in services.klien.calls if path.endswith("/reporting")]


def test_a_late_report_is_listed_and_marked_late(as_pk, services):
    yesterday = (dates.today() - timedelta(days=1)).isoformat()
    _home_world(services, [client(next_report_due=yesterday)])
    row = page(as_pk.get("/")).find("h2", id="lapor-minggu-ini").find_next("table").select_one("tbody tr")
    assert "Terlambat" in row.get_text()


@pytest.mark.parametrize("offered", [True, False])
def test_the_home_says_when_klien_cannot_list_the_reports_due(as_pk, services, offered):
    _home_world(services, [])
    if offered:
        services.klien.answers[("GET", "/clients")] = lambda params: (
            problem(503) if params.get("report_due_by") else pages(client()))
    else:
        services.klien.parameters.discard(("/clients", "report_due_by"))
    soup = page(as_pk.get("/"))
    assert "tidak menjawab laporan mana yang jatuh tempo" in soup.main.get_text()
    assert soup.select(".card__number")[3].get_text(strip=True) == "–"
    assert soup.select(".card__number")[0].get_text(strip=True) == ("1" if offered else "2")   # the rest stays


def test_the_head_of_office_sees_reports_due_per_pk_of_its_office_only(as_admin, services):
    _home_world(services, [client(next_report_due=dates.today().isoformat()),
                           client(id="8" * 8 + "-8888-4888-8888-888888888888", officer_id="pk3",
                                  bapas_office="elsewhere", next_report_due=dates.today().isoformat())])
    soup = page(as_admin.get("/"))
    table = soup.find("h2", string="Per PK").find_next("table")
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    due = {r.select("td")[0].get_text(strip=True): r.select("td")[headers.index("Lapor minggu ini")].get_text(strip=True)
           for r in table.select("tbody tr")}
    assert due == {"pk1": "1", "pk2": "0"}
    rows = soup.find("h2", id="lapor-minggu-ini").find_next("table").select("tbody tr")
    assert len(rows) == 1 and "pk1" in rows[0].get_text()           # the PK column, for the head of office
    asked = [params for _m, path, params in services.klien.calls if path == "/clients" and "report_due_by" in params]
    assert len(asked) == 1 and "officer_id" not in asked[0]          # one call for the region, the office kept


def test_the_client_page_shows_the_schedule_missed_reports_and_check_ins(as_pk, services):
    today = dates.today()
    past = [(today - timedelta(days=7 * n)).isoformat() for n in (3, 2, 1)]
    check_in = {"id": "c1", "date": past[0], "kind": "lapor_diri"}
    _client_page_world(services, schedule(
        items=[{"date": past[0], "status": "kept", "check_in": check_in},
               {"date": past[1], "status": "missed", "check_in": None},
               {"date": past[2], "status": "missed", "check_in": None},
               {"date": (today + timedelta(days=7)).isoformat(), "status": "due", "check_in": None}],
        attention={"reason": "reporting_missed", "due_dates": past[1:], "raised_on": today.isoformat()}),
        [{"id": "c1", "date": past[0], "kind": "lapor_diri", "note": "Datang tepat waktu", "kept_due": past[0],
          "recorded_by": "pk1", "recorded_at": "2026-01-01T01:00:00Z"}])
    soup = page(as_pk.get(f"/klien/{CLIENT_ID}"))
    section = soup.find("h2", id="wajib-lapor")
    assert "Setiap minggu" in section.find_next("dl").get_text()
    statuses = [r.select("td")[1].get_text(" ", strip=True) for r in section.find_next("table").select("tbody tr")]
    assert statuses == ["Ditepati", "Terlewat", "Terlewat", "Jatuh tempo"]
    check_ins = soup.find("h3", string="Laporan diri terakhir").find_next("table").get_text(" ", strip=True)
    assert "Datang ke BAPAS (lapor diri)" in check_ins and "Datang tepat waktu" in check_ins
    banner = [b for b in soup.select(".banner") if "tidak wajib lapor" in b.get_text()]
    assert banner and banner[0].select_one("a")["href"] == f"/klien/{CLIENT_ID}/perhatian"
    actions = [a["href"] for a in section.find_next("ul", class_="actions").select("a")]
    assert actions == [f"/klien/{CLIENT_ID}/lapor", f"/klien/{CLIENT_ID}/jadwal-lapor"]


def test_the_auditor_reads_the_reporting_but_gets_no_write_link(as_auditor, services):
    _client_page_world(services, schedule(attention={"reason": "reporting_missed", "due_dates": ["2026-01-12"],
                                                     "raised_on": "2026-01-20"}))
    soup = page(as_auditor.get(f"/klien/{CLIENT_ID}"))
    assert soup.find("h2", id="wajib-lapor") is not None
    hrefs = [a["href"] for a in soup.main.select("a")]
    assert not [h for h in hrefs if re.search(r"/(lapor|jadwal-lapor|perhatian)$", h)]
    for path in ("lapor", "jadwal-lapor", "perhatian", "perhatian/periksa"):
        assert as_auditor.get(f"/klien/{CLIENT_ID}/{path}").status_code == 403, path


def test_a_partner_may_not_open_the_reporting_pages(as_partner):
    for path in ("lapor", "jadwal-lapor", "perhatian"):
        assert as_partner.get(f"/klien/{CLIENT_ID}/{path}").status_code == 403, path


def test_setting_the_schedule_sends_it_with_the_records_version(as_pk, services):
    _form_world(services, schedule(frequency=None, version=0))
    services.klien.answers[("PUT", f"/clients/{CLIENT_ID}/reporting")] = schedule()
    soup = page(as_pk.get(f"/klien/{CLIENT_ID}/jadwal-lapor"))
    assert soup.select_one("#first_due")["value"] == dates.today().isoformat()
    first = (dates.today() + timedelta(days=2)).isoformat()
    answer = as_pk.post(f"/klien/{CLIENT_ID}/jadwal-lapor", data={"frequency": "biweekly", "first_due": first,
                                                                   "version": "0"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/klien/{CLIENT_ID}#wajib-lapor")
    sent = [p for m, path, p in services.klien.calls if m == "PUT"]
    assert sent == [{"body": {"frequency": "biweekly", "first_due": first}, "version": 0}]


@pytest.mark.parametrize("method, api_path, path, data, field, message, shown", [
    ("PUT", "reporting", "jadwal-lapor", {"frequency": "monthly", "first_due": "2100-01-01"}, "first_due",
     "must not be after supervision_end (2099-12-20)", "Tidak boleh sesudah akhir masa pengawasan (2099-12-20)."),
    ("PUT", "reporting", "jadwal-lapor", {"frequency": "monthly", "first_due": "2026-01-01"}, "first_due",
     "must not be before today (2026-03-01)", "Tidak boleh sebelum hari ini (2026-03-01)."),
    ("POST", "check-ins", "lapor", {"date": "2026-03-09", "kind": "lapor_diri"}, "date",
     "must not be in the future (today is 2026-03-01)", "Tidak boleh melewati hari ini (hari ini 2026-03-01)."),
    ("POST", "check-ins", "lapor", {"date": "2026-03-09", "kind": "lapor_diri"}, "date",
     "Missing data for required field.", "Isi bagian ini"),
], ids=["schedule-after-end", "schedule-before-today", "check-in-future", "check-in-required"])
def test_a_refusal_of_klien_is_shown_beside_its_field_in_indonesian_and_what_was_typed_is_kept(
        as_pk, services, method, api_path, path, data, field, message, shown):
    _form_world(services, schedule())
    services.klien.answers[(method, f"/clients/{CLIENT_ID}/{api_path}")] = problem(422, "invalid", {field: [message]})
    answer = as_pk.post(f"/klien/{CLIENT_ID}/{path}", data=data)
    assert answer.status_code == 400
    soup = page(answer)
    beside = soup.select_one(f"#{field}-error").get_text()
    assert shown in beside and message not in beside                # the service's English is not shown bare
    assert soup.select_one(".error-summary a")["href"] == f"#{field}"
    assert soup.select_one(f"#{field}")["value"] == data[field]
    checked = soup.select_one("input[type=radio][checked]")
    assert checked["value"] in data.values()                        # the choice made is kept too


def test_a_check_in_form_without_a_kind_is_refused_before_klien_is_asked(as_pk, services):
    _form_world(services, schedule())
    answer = as_pk.post(f"/klien/{CLIENT_ID}/lapor", data={"date": "2026-03-01", "note": "Datang sendiri"})
    soup = page(answer)
    assert answer.status_code == 400
    assert "Pilih salah satu" in soup.select_one("#kind-error").get_text()
    assert soup.select_one("#note").get_text().strip() == "Datang sendiri"
    assert services.klien.posted(f"/clients/{CLIENT_ID}/check-ins") == []


def test_a_check_in_is_sent_once_with_the_forms_key(as_pk, services):
    _form_world(services, schedule())
    services.klien.answers[("POST", f"/clients/{CLIENT_ID}/check-ins")] = {"id": "c1", "kept_due": "2026-03-02"}
    key = page(as_pk.get(f"/klien/{CLIENT_ID}/lapor")).select_one("input[name=key]")["value"]
    answer = as_pk.post(f"/klien/{CLIENT_ID}/lapor", data={"date": "2026-03-01", "kind": "daring", "note": " ",
                                                           "key": key}, follow_redirects=False)
    assert answer.status_code == 302
    (sent,) = services.klien.posted(f"/clients/{CLIENT_ID}/check-ins")
    assert sent == {"body": {"date": "2026-03-01", "kind": "daring"}, "version": None,
                    "headers": {"Idempotency-Key": key}}


def test_clearing_the_attention_flag_asks_to_check_the_answers_first(as_pk, services):
    _form_world(services, schedule(attention={
        "reason": "reporting_missed", "due_dates": ["2026-01-12", "2026-01-19", "2026-01-26"],
        "raised_on": "2026-01-30"}))
    services.klien.answers[("POST", f"/clients/{CLIENT_ID}/attention/clear")] = schedule()
    answer = as_pk.post(f"/klien/{CLIENT_ID}/perhatian", data={"note": "Sudah dikunjungi di rumah"})
    assert answer.headers["Location"].endswith(f"/klien/{CLIENT_ID}/perhatian/periksa")
    soup = page(as_pk.get(f"/klien/{CLIENT_ID}/perhatian/periksa"))
    assert "Sudah dikunjungi di rumah" in [d.get_text(strip=True) for d in soup.select(".summary__value")]
    assert services.klien.posted(f"/clients/{CLIENT_ID}/attention/clear") == []   # nothing sent before the check
    as_pk.post(f"/klien/{CLIENT_ID}/perhatian/periksa")
    assert services.klien.posted(f"/clients/{CLIENT_ID}/attention/clear") == [
        {"body": {"note": "Sudah dikunjungi di rumah"}, "version": 4}]


def test_there_is_nothing_to_clear_without_an_open_flag(as_pk, services):
    _form_world(services, schedule())
    assert as_pk.get(f"/klien/{CLIENT_ID}/perhatian").status_code == 404


def test_due_rows_keep_the_latest_past_dates_and_the_next_ones():
    today = date(2026, 3, 4)
    items = [{"date": (today + timedelta(days=7 * n)).isoformat(), "status": "due" if n >= 0 else "kept"}
             for n in range(-10, 6)]
    rows = reporting.due_rows({"grace_days": 3, "items": items}, today)
    assert [r.date for r in rows] == [i["date"] for i in items[5:14]]
    assert rows[5].date == "2026-03-04" and not rows[5].late
    late = reporting.due_rows({"grace_days": 3, "items": [{"date": "2026-03-02", "status": "due"}]}, today)
    assert late[0].late and late[0].grace_until == "2026-03-05"


def test_a_conflict_of_klien_is_summed_up_in_indonesian_and_in_english_when_chosen(as_pk, services):
    _form_world(services, schedule())
    services.klien.answers[("POST", f"/clients/{CLIENT_ID}/check-ins")] = problem(
        409, "check-ins are recorded for active clients only; this client's status is completed")
    data = {"date": "2026-03-01", "kind": "lapor_diri"}
    summary = page(as_pk.post(f"/klien/{CLIENT_ID}/lapor", data=data)).select_one(".error-summary").get_text()
    assert "Laporan diri hanya dicatat untuk klien aktif. Status sekarang: Selesai." in summary
    as_pk.post("/bahasa", data={"lang": "en", "back": "/"})
    summary = page(as_pk.post(f"/klien/{CLIENT_ID}/lapor", data=data)).select_one(".error-summary").get_text()
    assert "Reports are recorded for active clients only. Current status: Completed." in summary
