"""A PK's day in the browser, and what other roles must not be able to do."""
import re
from datetime import datetime, timedelta

import pytest
import requests

from services.portal import dates
from shared.auth import issue_token
from tests.browser.conftest import shot
from tests.browser.helpers import check_page, sign_in
from tests.support.poll import eventually

pytestmark = pytest.mark.timeout(600)


def _guidance(stack, client_id: str) -> dict:
    token = issue_token(stack.jwt_secret, role="admin", sub="check", region=stack.region)
    answer = requests.get(f"{stack.klien_url}/clients/{client_id}", headers={"Authorization": f"Bearer {token}"},
                          timeout=10)
    return answer.json()["guidance"]


def test_a_pk_registers_enrolls_schedules_and_records_attendance(portal, browser_page):
    stack, world = portal
    page, base, findings = browser_page, stack.portal_url, {}
    started = datetime.now(dates.zone()) - timedelta(hours=1)
    sign_in(page, base, "pk.siti")
    assert page.url == base + "/"
    check_page(page, findings)

    page.click("text=Daftarkan klien")
    page.fill("#register_number", "PAS-WALK-001")
    page.fill("#name", "Budi Santoso")
    page.fill("#nik", "16710101")                                      # too short: refused beside the field
    page.fill("#birth_date", "1990-02-03")
    page.check("#sex-0")
    page.fill("#address", "Jl. Sudirman 5, Palembang")
    page.check("#supervision_type-0")
    page.select_option("#offence_category", "pencurian")
    page.fill("#decree_number", "PAS-123/PB/2026")
    page.fill("#decree_date", (started.date() - timedelta(days=70)).isoformat())
    page.fill("#supervision_start", (started.date() - timedelta(days=60)).isoformat())
    page.fill("#supervision_end", (started.date() + timedelta(days=20)).isoformat())
    page.click("main button[type=submit]")
    assert "NIK harus tepat 16 angka" in page.inner_text(".error-summary")
    assert "NIK harus tepat 16 angka" in page.inner_text("#nik-error")
    assert page.input_value("#name") == "Budi Santoso"                  # what was typed is kept
    check_page(page, findings)
    shot(page, "daftar-klien-kesalahan")
    page.fill("#nik", "1671010101900001")
    page.click("main button[type=submit]")
    assert re.search(r"/klien/[0-9a-f-]{36}$", page.url)
    client_id = page.url.rsplit("/", 1)[1]
    assert "Budi Santoso sudah didaftarkan" in page.inner_text(".banner")
    check_page(page, findings)

    page.click("text=Ikutkan dalam program")
    page.check("label:has-text('Kajian akhlak')")
    page.fill("#start_date", (started.date() - timedelta(days=1)).isoformat())
    check_page(page, findings)
    shot(page, "ikutkan")
    page.click("main button[type=submit]")
    assert "sudah diikutkan" in page.inner_text(".banner")
    assert "Kajian akhlak" in page.inner_text("main table")

    page.click("nav >> text=Sesi")
    page.click("text=Jadwalkan sesi")
    page.select_option("#program_id", label="Kajian akhlak")
    page.fill("#date", started.date().isoformat())
    page.fill("#time", started.strftime("%H:%M"))
    page.fill("#topic", "Akhlak dalam keluarga")
    page.fill("#facilitator", "Ust. Ahmad")
    page.check("#delivery-0")
    check_page(page, findings)
    page.click("main button[type=submit]")
    assert "Sesi sudah dijadwalkan" in page.inner_text(".banner")
    check_page(page, findings)
    shot(page, "sesi-minggu")

    page.click("text=Akhlak dalam keluarga")
    assert "Daftar hadir" in page.inner_text("h1")
    budi = page.locator("fieldset", has=page.locator("legend", has_text="Budi Santoso"))
    budi.locator("input[value=present]").check()
    check_page(page, findings)
    shot(page, "presensi")
    page.click("main button[type=submit]")
    page.wait_for_selector("#antrian li[data-state=sent]")            # sent at once, the page shows it
    assert "Tercatat: Hadir" in budi.inner_text()

    eventually(lambda: _guidance(stack, client_id)["sessions_attended"] == 1, timeout=30)
    page.goto(f"{base}/klien/{client_id}")
    cards = page.inner_text("main .cards")
    assert re.search(r"1\s+sesi dihadiri", cards), cards
    assert "Hadir" in page.inner_text("main")                         # the attendance history row
    check_page(page, findings)
    shot(page, "halaman-klien")
    assert findings == {}, findings


def _session_of(stack, program_id: str) -> str:
    token = issue_token(stack.jwt_secret, role="admin", sub="seed-admin", region=stack.region)
    starts = (datetime.now(dates.zone()) + timedelta(days=2)).isoformat()
    answer = requests.post(f"{stack.bimbingan_url}/sessions", headers={"Authorization": f"Bearer {token}"},
                           json={"program_id": program_id, "starts_at": starts, "topic": "Menanam bibit",
                                 "facilitator": "Pak Tani", "delivery": "in_person"}, timeout=30)
    answer.raise_for_status()
    return answer.json()["id"]


def _client(stack) -> str:
    token = issue_token(stack.jwt_secret, role="admin", sub="seed-admin", region=stack.region)
    today = datetime.now(dates.zone()).date()
    body = {"register_number": "PAS-AUDIT-1", "name": "Rina Wati", "nik": "1671014502920002",
            "birth_date": "1992-02-05", "sex": "P", "address": "Jl. Kenanga 3", "supervision_type": "PIDANA_BERSYARAT",
            "offence_category": "penipuan_penggelapan", "decree": None,
            "supervision_start": (today - timedelta(days=10)).isoformat(),
            "supervision_end": (today + timedelta(days=200)).isoformat(), "officer_id": "pk.siti",
            "bapas_office": "Bapas Palembang"}
    answer = requests.post(f"{stack.klien_url}/clients", json=body, headers={"Authorization": f"Bearer {token}"},
                           timeout=30)
    answer.raise_for_status()
    return answer.json()["id"]


def test_a_partner_cannot_open_another_groups_session(portal, browser_page):
    stack, world = portal
    other = _session_of(stack, world["program_b"])
    own = _session_of(stack, world["program_a"])
    sign_in(browser_page, stack.portal_url, "mitra.a")
    findings = {}
    check_page(browser_page, findings)
    shot(browser_page, "beranda-mitra", phone=True)
    answer = browser_page.goto(f"{stack.portal_url}/sesi/{other}/presensi")
    assert answer.status == 403
    assert "tidak boleh membuka" in browser_page.inner_text("h1")
    answer = browser_page.goto(f"{stack.portal_url}/sesi/{own}/presensi")
    assert answer.status == 200
    assert "Menanam bibit" in browser_page.inner_text("main")
    check_page(browser_page, findings)
    shot(browser_page, "presensi-mitra", phone=True)
    assert findings == {}, findings


def test_an_auditor_sees_no_write_button(portal, browser_page):
    stack, world = portal
    sign_in(browser_page, stack.portal_url, "auditor1")
    pages = ["/klien", "/sesi", "/mitra", "/program", "/audit", f"/klien/{_client(stack)}",
             "/laporan?bapas_office=Bapas+Palembang"]
    session_id = _session_of(stack, world["program_a"])
    pages.append(f"/sesi/{session_id}/presensi")
    findings = {}
    for path in pages:
        answer = browser_page.goto(stack.portal_url + path)
        assert answer.status == 200, path
        posting = browser_page.locator("main form[method=post]").count()
        assert posting == 0, f"{path} offers the auditor a form that writes"
        labels = " ".join(browser_page.locator("main a.button, main button").all_inner_texts())
        for word in ("Daftarkan", "Ikutkan", "Jadwalkan", "Simpan", "Batalkan", "Akhiri", "Catat", "Atur", "Ubah",
                     "Hapus"):
            assert word not in labels, f"{path} shows {word!r} to an auditor"
        check_page(browser_page, findings)
        if path == "/audit":
            shot(browser_page, "audit", whole=False)
        if path.startswith("/laporan"):
            shot(browser_page, "laporan")
            assert "Kelompok mitra (POKMAS LIPAS)" in browser_page.inner_text("main")
            assert browser_page.locator("main a.button").all_inner_texts() == ["Unduh Excel (xlsx)", "Unduh PDF"]
            for link, kind in zip(browser_page.locator("main a.button").all(), ("xlsx", "pdf")):
                file = browser_page.request.get(stack.portal_url + link.get_attribute("href"))
                assert file.status == 200, kind
                assert file.headers["content-disposition"].endswith(f'-bapas-palembang.{kind}"'), kind
    assert findings == {}, findings
