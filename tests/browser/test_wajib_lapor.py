"""Wajib lapor in the browser: a PK sets a client's reporting schedule (klien's refusal shown beside the
field on the way), records a check-in and sees it kept on the client's page and gone from the home's
reports due this week. axe-core and the 360 px check on every page of it."""
from datetime import timedelta

import pytest
import requests

from services.portal import dates
from shared.auth import issue_token
from tests.browser.conftest import shot
from tests.browser.helpers import check_page, sign_in

pytestmark = pytest.mark.timeout(300)
SECTION = """id => { let e = document.getElementById(id).nextElementSibling, text = '';
    while (e && e.tagName !== 'H2') { text += e.innerText; e = e.nextElementSibling; } return text; }"""


def _client(stack) -> str:
    """A client of pk.siti, made through klien's API as the head of office would."""
    token = issue_token(stack.jwt_secret, role="admin", sub="seed-admin", region=stack.region)
    today = dates.today()
    body = {"register_number": "PAS-LAPOR-1", "name": "Dewi Anggraini", "nik": "1671016607950003",
            "birth_date": "1995-07-26", "sex": "P", "address": "Jl. Merpati 9, Palembang", "supervision_type": "PB",
            "offence_category": "narkotika", "decree": {"number": "PAS-77/PB/2026",
                                                        "date": (today - timedelta(days=40)).isoformat()},
            "supervision_start": (today - timedelta(days=30)).isoformat(),
            "supervision_end": (today + timedelta(days=300)).isoformat(), "officer_id": "pk.siti",
            "bapas_office": "Bapas Palembang"}
    answer = requests.post(f"{stack.klien_url}/clients", json=body, headers={"Authorization": f"Bearer {token}"},
                           timeout=30)
    answer.raise_for_status()
    return answer.json()["id"]


def test_a_pk_sets_a_schedule_records_a_check_in_and_sees_it_kept(portal, browser_page):
    stack, _world = portal
    page, base, findings = browser_page, stack.portal_url, {}
    client_id = _client(stack)
    today = dates.today()
    sign_in(page, base, "pk.siti")
    page.goto(f"{base}/klien/{client_id}")
    assert "Belum ada jadwal" in page.inner_text("#wajib-lapor + ul + dl")

    page.click("text=Atur jadwal")
    page.check("label:has-text('Setiap minggu')")
    page.fill("#first_due", (today - timedelta(days=1)).isoformat())    # klien refuses a first date in the past
    page.click("main button[type=submit]")
    assert "must not be before today" in page.inner_text("#first_due-error")
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
