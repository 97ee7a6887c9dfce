"""The Laporan page: the monthly report's figures as tables, and its files passed through as they came."""
from datetime import datetime

import pytest

from services.portal import dates
from services.portal.clients import File
from tests.support.portal_fakes import problem
from tests.unit.portal.conftest import page

GROUP_ID = "11111111-1111-4111-8111-111111111111"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report(**overrides):
    attendance = {"present": 7, "late": 2, "absent": 1, "excused": 0}
    return {"month": "2026-11", "bapas_office": "Bapas Palembang", "produced_at": "2026-11-29T01:00:00Z",
            "clients": {"registered": 12, "active_at_end": 240, "ended": {"completed": 5, "revoked": 1, "transferred": 2},
                        "by_supervision_type": {"PB": 200, "CB": 40}},
            "enrollments": {"created": 9, "completed": 3, "withdrawn": 1, "active_at_end": 30},
            "attendance": attendance, "reporting": {"kept": 180, "missed": 6}, "sessions_held": 4,
            "by_guidance_type": {"kepribadian": {"enrollments_created": 6, "enrollments_completed": 2,
                                                 "enrollments_withdrawn": 1, "sessions_held": 3, "attendance": attendance},
                                 "kemandirian": {"enrollments_created": 3, "enrollments_completed": 1,
                                                 "enrollments_withdrawn": 0, "sessions_held": 1,
                                                 "attendance": {"present": 0, "late": 0, "absent": 0, "excused": 0}}},
            "groups": [{"group_id": GROUP_ID, "name": "Pesantren Al-Hidayah", "sessions_held": 4, "participants": 8,
                        "attendance_rate": 0.9, "completed": 3, "attendance": attendance,
                        "outcomes": {"achieved": 2, "partially_achieved": 1, "not_achieved": 0}}],
            "agreements_expiring": [{"agreement_id": "a", "number": "PKS-7/2026", "group_id": GROUP_ID,
                                     "group_name": "Pesantren Al-Hidayah", "valid_until": "2026-12-20",
                                     "status": "active"}], **overrides}


def table_after(soup, heading):
    """{row heading: [cells]} of the table under the heading a person reads."""
    table = soup.find("h3", string=heading).find_next("table")
    return {row.th.get_text(strip=True) if row.th else row.td.get_text(strip=True):
            [cell.get_text(strip=True) for cell in row.find_all("td")] for row in table.select("tbody tr")}


def test_staff_see_laporan_in_the_menu_and_a_partner_does_not(as_pk, as_admin, as_auditor, as_partner, services):
    services.klien.answers[("GET", "/clients")] = {"items": [], "next_cursor": None}
    for browser in (as_pk, as_admin, as_auditor):
        assert "Laporan" in [a.get_text(strip=True) for a in page(browser.get("/akun/x")).select("nav a")]
    assert "Laporan" not in [a.get_text(strip=True) for a in page(as_partner.get("/akun/x")).select("nav a")]


def test_the_page_opens_on_this_month_and_the_users_office_and_shows_the_figures(as_pk, services):
    services.laporan.answers[("GET", "/reports/monthly")] = report()
    soup = page(as_pk.get("/laporan"))
    this_month = datetime.now(dates.zone()).strftime("%Y-%m")
    assert services.laporan.calls == [("GET", "/reports/monthly", {"month": this_month,
                                                                    "bapas_office": "Bapas Palembang"})]
    assert soup.h1.get_text(strip=True) == "Laporan bulanan"
    assert soup.find("input", id="month")["value"] == this_month
    assert soup.find("input", id="bapas_office")["value"] == "Bapas Palembang"
    assert "Bapas Palembang · November 2026" in soup.h2.get_text(" ", strip=True)
    assert table_after(soup, "Klien")["Aktif di akhir bulan"] == ["240"]
    assert table_after(soup, "Klien")["Dipindahkan"] == ["2"]
    assert table_after(soup, "Klien aktif di akhir bulan menurut jenis pembimbingan") == {
        "Pembebasan Bersyarat (PB)": ["200"], "Cuti Bersyarat (CB)": ["40"]}
    assert table_after(soup, "Kehadiran sesi bimbingan")["Terlambat"] == ["2"]
    assert table_after(soup, "Wajib lapor") == {"Ditepati": ["180"], "Terlewat": ["6"]}
    group = table_after(soup, "Kelompok mitra (POKMAS LIPAS)")["Pesantren Al-Hidayah"]
    assert group[:4] == ["4", "8", "90%", "3"]
    assert table_after(soup, "PKS yang berakhir dalam 60 hari")["PKS-7/2026"][1] == "20 Des 2026"
    links = {a.get_text(strip=True): a["href"] for a in soup.select("main .actions a")}
    assert links == {"Unduh Excel (xlsx)": "/laporan/unduh.xlsx?month=2026-11&bapas_office=Bapas+Palembang",
                     "Unduh PDF": "/laporan/unduh.pdf?month=2026-11&bapas_office=Bapas+Palembang"}
    assert all(t.find_parent(class_="table-wrap") for t in soup.select("main table"))   # scrolls in its box at 360 px


def test_another_month_and_office_are_asked_as_typed(as_auditor, services):
    services.laporan.answers[("GET", "/reports/monthly")] = lambda params: report(**params)
    soup = page(as_auditor.get("/laporan?month=2026-10&bapas_office=Bapas+Lahat"))
    assert services.laporan.calls[-1][2] == {"month": "2026-10", "bapas_office": "Bapas Lahat"}
    assert "Bapas Lahat · Oktober 2026" in soup.h2.get_text(" ", strip=True)


def test_an_account_without_an_office_gets_the_form_and_no_call(as_auditor, services):
    soup = page(as_auditor.get("/laporan"))
    assert services.laporan.calls == []
    assert soup.find("input", id="bapas_office")["value"] == ""
    assert soup.select_one(".error-summary") is None


def test_a_wrong_month_is_said_beside_the_field_and_nothing_is_asked(as_pk, services):
    answer = as_pk.get("/laporan?month=2026-13&bapas_office=Bapas+Palembang")
    soup = page(answer)
    assert services.laporan.calls == []
    assert "Isi bulan dalam bentuk TTTT-BB" in soup.select_one(".error-summary").get_text()
    assert "Isi bulan dalam bentuk TTTT-BB" in soup.select_one("#month-error").get_text()
    assert soup.find("input", id="month")["value"] == "2026-13"


def test_laporans_refusal_of_a_field_is_shown_beside_it(as_pk, services):
    services.laporan.answers[("GET", "/reports/monthly")] = problem(
        422, "invalid", {"bapas_office": ["must not contain control characters"]})
    soup = page(as_pk.get("/laporan?month=2026-11&bapas_office=Bapas"))
    assert "Hapus karakter kendali dari isian ini." in soup.select_one("#bapas_office-error").get_text()


def test_a_partner_is_told_plainly_and_laporan_is_not_asked(as_partner, services):
    for path in ("/laporan", "/laporan/unduh.pdf?month=2026-11&bapas_office=Bapas+Palembang"):
        answer = as_partner.get(path)
        assert answer.status_code == 403
        assert "hanya untuk petugas BAPAS" in page(answer).main.get_text()
    assert services.laporan.calls == []


def test_a_refusal_by_laporan_itself_is_the_not_allowed_page(as_pk, services):
    services.laporan.answers[("GET", "/reports/monthly")] = problem(403, "not allowed")
    for path in ("/laporan", "/laporan/unduh.xlsx?month=2026-11&bapas_office=Bapas"):
        answer = as_pk.get(path)
        assert answer.status_code == 403
        assert page(answer).find("table") is None


@pytest.mark.parametrize("fmt,mimetype", [("xlsx", XLSX), ("pdf", "application/pdf")])
def test_a_download_is_laporans_file_with_its_name(as_admin, services, fmt, mimetype):
    disposition = f'attachment; filename="laporan-bulanan-2026-11-bapas-palembang.{fmt}"'
    services.laporan.answers[("GET", "/reports/monthly")] = File(b"the-bytes", mimetype, disposition)
    answer = as_admin.get(f"/laporan/unduh.{fmt}?month=2026-11&bapas_office=Bapas+Palembang")
    assert answer.status_code == 200
    assert answer.data == b"the-bytes"
    assert answer.headers["Content-Type"] == mimetype
    assert answer.headers["Content-Disposition"] == disposition
    assert services.laporan.calls == [("GET", "/reports/monthly",
                                       {"month": "2026-11", "bapas_office": "Bapas Palembang", "format": fmt})]
    assert services.identities[-1].sub == "boss"                       # the user's own identity, not the portal's


def test_a_download_of_a_wrong_month_or_another_format_is_refused_without_a_call(as_pk, services):
    assert as_pk.get("/laporan/unduh.pdf?month=11-2026&bapas_office=Bapas").status_code == 400
    assert as_pk.get("/laporan/unduh.csv?month=2026-11&bapas_office=Bapas").status_code == 404
    assert services.laporan.calls == []


def test_laporan_away_is_a_page_saying_so(as_pk, services):
    services.laporan.answers[("GET", "/reports/monthly")] = problem(503)
    assert as_pk.get("/laporan").status_code == 503
    assert as_pk.get("/laporan/unduh.pdf?month=2026-11&bapas_office=Bapas").status_code == 503
