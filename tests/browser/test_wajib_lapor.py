"""Wajib lapor in the browser: a PK sets a client's reporting schedule (klien's refusal shown beside the
field on the way), records a check-in and sees it kept on the client's page and gone from the home's
reports due this week; a PK clears the flag three missed reports raised (the services' clock moved
by the stack's clock file), after checking the answers. axe-core and the 360 px check on every page."""
from datetime import timedelta

import pytest
import requests

from services.portal import dates
from shared.auth import issue_token
from tests.browser.conftest import shot
from tests.browser.helpers import check_page, sign_in
from tests.support.poll import eventually

pytestmark = pytest.mark.timeout(300)
SECTION = """id => { let e = document.getElementById(id).nextElementSibling, text = '';
    while (e && e.tagName !== 'H2') { text += e.innerText; e = e.nextElementSibling; } return text; }"""


def _admin(stack) -> dict:
    return {"Authorization": "Bearer " + issue_token(stack.jwt_secret, role="admin", sub="seed-admin",
                                                     region=stack.region)}


def _client(stack, number: str = "PAS-LAPOR-1", name: str = "Dewi Anggraini", nik: str = "1671016607950003") -> str:
    """A client of pk.siti, made through klien's API as the head of office would."""
    today = dates.today()
    body = {"register_number": number, "name": name, "nik": nik,
            "birth_date": "1995-07-26", "sex": "P", "address": "Jl. Merpati 9, Palembang", "supervision_type": "PB",
            "offence_category": "narkotika", "decree": {"number": "PAS-77/PB/2026",
                                                        "date": (today - timedelta(days=40)).isoformat()},
            "supervision_start": (today - timedelta(days=30)).isoformat(),
            "supervision_end": (today + timedelta(days=300)).isoformat(), "officer_id": "pk.siti",
            "bapas_office": "Bapas Palembang"}
    answer = requests.post(f"{stack.klien_url}/clients", json=body, headers=_admin(stack), timeout=30)
    answer.raise_for_status()
    return answer.json()["id"]


def test_a_pk_sets_a_schedule_records_a_check_in_and_sees_it_kept(portal, browser_page):
    stack, _world = portal
    page, base, findings = browser_page, stack.portal_url, {}
    client_id = _client(stack)
    today = dates.today()
    sign_in(page, base, "pk.siti")
    page.wait_for_url(base + "/")
    page.goto(f"{base}/klien/{client_id}")
    assert "Belum ada jadwal" in page.inner_text("#wajib-lapor + ul + dl")

    page.click("text=Atur jadwal")
    page.check("label:has-text('Setiap minggu')")
    page.fill("#first_due", (today - timedelta(days=1)).isoformat())    # klien refuses a first date in the past
    page.click("main button[type=submit]")
    assert "Tidak boleh sebelum hari ini" in page.inner_text("#first_due-error")
    assert page.is_checked("#frequency-0")                               # what was chosen is kept
    check_page(page, findings)
    page.fill("#first_due", today.isoformat())
    page.click("main button[type=submit]")
    assert "Jadwal wajib lapor sudah diatur" in page.inner_text(".banner")
    assert "Setiap minggu" in page.inner_text("#wajib-lapor + ul + dl")
    assert "Jatuh tempo" in page.inner_text("main table")

    page.goto(base + "/")
    due = page.locator("#lapor-minggu-ini + div table")
    assert "Dewi Anggraini" in due.inner_text()
    check_page(page, findings)
    shot(page, "beranda-pk")

    due.locator("tr", has_text="Dewi Anggraini").locator("text=Catat laporan diri").click()
    assert "Catat laporan diri" in page.inner_text("h1")
    page.check("label:has-text('Datang ke BAPAS')")
    page.fill("#note", "Datang bersama kakaknya; bekerja di bengkel")
    check_page(page, findings)
    shot(page, "lapor-diri")
    shot(page, "lapor-diri-ponsel", phone=True)
    page.click("main button[type=submit]")
    assert "ditepati" in page.inner_text(".banner")
    section = page.inner_text("main")
    assert "Ditepati" in section and "bekerja di bengkel" in section
    check_page(page, findings)
    shot(page, "halaman-klien-lapor")

    page.goto(base + "/")
    assert "Dewi Anggraini" not in page.evaluate(SECTION, "lapor-minggu-ini")     # kept: due next week now
    assert findings == {}, findings


def _reporting(stack, client_id: str) -> dict:
    return requests.get(f"{stack.klien_url}/clients/{client_id}", headers=_admin(stack), timeout=10).json()["reporting"]


def test_a_pk_clears_the_flag_three_missed_reports_raised_after_checking_the_answers(portal, browser_page):
    stack, world = portal
    page, base, findings = browser_page, stack.portal_url, {}
    client_id = _client(stack, "PAS-LAPOR-2", "Yusuf Maulana", "1671011203880004")
    first = (dates.today() + timedelta(days=1)).isoformat()
    requests.put(f"{stack.klien_url}/clients/{client_id}/reporting", json={"frequency": "weekly", "first_due": first},
                 headers=_admin(stack), timeout=10).raise_for_status()
    world["clock_file"].write_text("19")          # three weekly due dates pass, the last one's grace too
    try:
        eventually(lambda: _reporting(stack, client_id)["attention_required"], timeout=30, interval=0.5)
    finally:
        world["clock_file"].write_text("0")

    sign_in(page, base, "pk.siti")
    page.wait_for_url(base + "/")
    assert page.locator("#perlu-perhatian").count() == 1, page.inner_text("main")
    assert "Yusuf Maulana" in page.evaluate(SECTION, "perlu-perhatian")
    page.goto(f"{base}/klien/{client_id}")
    assert "tiga kali berturut-turut tidak wajib lapor" in page.inner_text("main .banner")
    assert page.inner_text("main table").count("Terlewat") == 3          # the missed reports, each visible
    check_page(page, findings)

    page.click("main .banner >> text=Hapus tanda perhatian")
    page.click("main button[type=submit]")                             # no note: refused beside the field
    assert "Isi bagian ini" in page.inner_text("#note-error")
    check_page(page, findings)
    page.fill("#note", "Klien dirawat di rumah sakit; surat dokter diterima")
    page.click("main button[type=submit]")
    assert "Periksa jawaban Anda" in page.inner_text("h1")
    assert "surat dokter diterima" in page.inner_text("main .summary")
    assert _reporting(stack, client_id)["attention_required"]            # nothing sent before the check
    check_page(page, findings)
    page.click("main button[type=submit]")
    assert "Tanda perhatian wajib lapor sudah dihapus" in page.inner_text(".banner")
    assert "berturut-turut tidak wajib lapor" not in page.inner_text("main")
    assert "surat dokter diterima" in page.inner_text("main")           # the flags cleared, with the note
    assert not _reporting(stack, client_id)["attention_required"]
    page.goto(base + "/")
    assert "Yusuf Maulana" not in page.evaluate(SECTION, "perlu-perhatian")
    assert findings == {}, findings
