"""Every portal page on a cheap phone (360 px wide), for each role: nothing scrolls sideways (a table
box that scrolls hides its last columns just as well), no text under 14 px, no tap target under
24 px too close to another one (WCAG 2.5.8), one h1, a back link on every page the menu does not name,
and axe-core finds nothing serious at that width."""
import re
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
import requests

from services.portal import dates
from shared.auth import issue_token
from tests.browser.conftest import SHOTS
from tests.browser.helpers import serious_violations, sign_in, wide_parts
from tests.support.portal_stack import user_add

pytestmark = pytest.mark.timeout(600)
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "id-ID"}
MENU = {"/", "/klien", "/sesi", "/program", "/mitra", "/laporan", "/audit", "/akun", "/masuk"}

SMALL_TEXT = """() => Array.from(document.querySelectorAll('body *'))
    .filter(e => Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())
                 && e.getClientRects().length && !e.closest('.visually-hidden, .skip-link, [hidden]')
                 && parseFloat(getComputedStyle(e).fontSize) < 14)
    .slice(0, 5).map(e => e.tagName.toLowerCase() + ' ' + getComputedStyle(e).fontSize + ': ' + e.textContent.trim().slice(0, 30))"""

# A target under 24 x 24 px passes when a 24 px square centred on it touches no other target (WCAG 2.5.8's
# spacing exception); a link inside a sentence is exempt (its size is the sentence's line height).
SMALL_TARGETS = """() => {
  const targets = Array.from(document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea'))
    .filter(e => e.getClientRects().length && !e.closest('.visually-hidden, .skip-link, [hidden]'))
    .filter(e => !(e.tagName === 'A' && e.parentElement.closest('p') && !e.closest('.back-link')))
    .map(e => ({e, box: e.getBoundingClientRect()}));
  const square = b => { const x = b.left + b.width / 2, y = b.top + b.height / 2;
                        return {left: x - 12, right: x + 12, top: y - 12, bottom: y + 12}; };
  const touch = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return targets.filter(t => (t.box.width < 24 || t.box.height < 24)
      && targets.some(o => o !== t && touch(square(t.box), o.box.width < 24 || o.box.height < 24 ? square(o.box) : o.box)))
    .slice(0, 5).map(t => t.e.tagName.toLowerCase() + ' ' + Math.round(t.box.width) + 'x' + Math.round(t.box.height)
                          + ': ' + (t.e.textContent || t.e.name || '').trim().slice(0, 30)); }"""


def _api(stack, service: str, method: str, path: str, body=None, version=None) -> dict:
    token = issue_token(stack.jwt_secret, role="admin", sub="seed-admin", region=stack.region)
    headers = {"Authorization": f"Bearer {token}", **({"If-Match": f'"{version}"'} if version is not None else {})}
    answer = requests.request(method, f"{stack.url(service)}{path}", json=body, headers=headers, timeout=30)
    answer.raise_for_status()
    return answer.json()


def _client_reporting_weekly(stack, number: str, name: str, nik: str, ends_in_days: int) -> str:
    """A client of pk.siti with long words, reporting every week from today."""
    today = dates.today()
    client = _api(stack, "klien", "POST", "/clients", {
        "register_number": number, "name": name, "nik": nik, "birth_date": "1988-04-23", "sex": "L",
        "address": "Jl. Letnan Jenderal Harun Sohar No. 17, Kebun Bunga, Sukarami, Palembang",
        "supervision_type": "PB", "offence_category": "narkotika",
        "decree": {"number": "PAS-1234.PK.01.05.06/2026", "date": (today - timedelta(days=200)).isoformat()},
        "supervision_start": (today - timedelta(days=190)).isoformat(),
        "supervision_end": (today + timedelta(days=ends_in_days)).isoformat(), "officer_id": "pk.siti",
        "bapas_office": "Bapas Palembang"})
    reporting = _api(stack, "klien", "GET", f"/clients/{client['id']}/reporting")
    _api(stack, "klien", "PUT", f"/clients/{client['id']}/reporting", {"frequency": "weekly",
         "first_due": today.isoformat()}, version=reporting["version"])
    return client["id"]


def _seed(stack, world) -> dict:
    """A client ending soon with a check-in, a program, a session and a flagged mark, and one whose report
    is due today: every table and list the pages can show has a row."""
    today = dates.today()
    _client_reporting_weekly(stack, "PAS-PONSEL-000124/CB/2026", "Ahmad Fauzan bin Abdullah Rahman",
                             "1671012304880008", 300)
    client = {"id": _client_reporting_weekly(stack, "PAS-PONSEL-000123/PB/2026", "Muhammad Rizky Pratama Saputra",
                                             "1671012304880007", 20)}
    _api(stack, "klien", "POST", f"/clients/{client['id']}/check-ins",
         {"date": today.isoformat(), "kind": "kunjungan_rumah", "note": "Bekerja di bengkel kakaknya"})
    enrollment = _api(stack, "bimbingan", "POST", "/enrollments", {
        "client_id": client["id"], "program_id": world["program_a"], "start_date": (today - timedelta(days=5)).isoformat()})
    starts = datetime.now(dates.zone()).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    session = _api(stack, "bimbingan", "POST", "/sessions", {
        "program_id": world["program_a"], "starts_at": starts.isoformat(), "topic": "Pengendalian emosi dan amarah",
        "facilitator": "Ust. Ahmad Syarifuddin", "delivery": "in_person"})
    _api(stack, "bimbingan", "POST", f"/sessions/{session['id']}/attendance", {"records": [{
        "enrollment_id": enrollment["id"], "attendance": "excused", "note": "Sakit, ada surat dokter",
        "behaviour_note": "Tenang, banyak bertanya", "pk_should_know": True}]})
    agreement = _api(stack, "pokmas", "GET", f"/programs/{world['program_a']}")["agreement_id"]
    return {"client": client["id"], "enrollment": enrollment["id"], "session": session["id"],
            "group": world["group_a"], "agreement": agreement}


def _pages(ids: dict) -> dict:
    client, session, enrollment = ids["client"], ids["session"], ids["enrollment"]
    month = dates.today().strftime("%Y-%m")
    return {
        "pk.siti": ["/", "/klien", f"/klien/{client}", "/klien/baru", f"/klien/{client}/ubah",
                    f"/klien/{client}/akhiri", f"/klien/{client}/ikutkan", f"/klien/{client}/jadwal-lapor",
                    f"/klien/{client}/lapor", f"/bimbingan/{enrollment}/selesai", f"/bimbingan/{enrollment}/keluarkan",
                    "/sesi", "/sesi/baru", f"/sesi/{session}/jadwal-ulang", f"/sesi/{session}/batal",
                    f"/sesi/{session}/presensi", "/program", "/mitra", f"/mitra/{ids['group']}",
                    f"/pks/{ids['agreement']}", f"/laporan?month={month}&bapas_office=Bapas+Palembang",
                    "/klien/00000000-0000-4000-8000-000000000000"],
        "kepala": ["/", "/akun", "/akun/baru", "/mitra/baru", f"/mitra/{ids['group']}/pks-baru",
                   f"/pks/{ids['agreement']}", f"/pks/{ids['agreement']}/tangguhkan", "/audit"],
        "auditor1": ["/", "/audit", f"/klien/{client}"],
        "mitra.a": ["/", f"/sesi/{session}/presensi", "/sesi", "/program"],
    }


def _problems(page, path: str) -> list:
    problems = wide_parts(page) + serious_violations(page)
    problems += [f"text under 14px: {t}" for t in page.evaluate(SMALL_TEXT)]
    problems += [f"tap target under 24px beside another: {t}" for t in page.evaluate(SMALL_TARGETS)]
    if page.locator("main h1").count() != 1:
        problems.append(f"{page.locator('main h1').count()} main headings (h1), not one")
    if path.split("?")[0] not in MENU and page.locator(".back-link").count() == 0 and "00000000" not in path:
        problems.append("no back link")
    return problems


def _shot(page, role: str, path: str) -> None:
    if SHOTS:
        name = re.sub(r"(?!00000000)[0-9a-f-]{36}", "x", path.split("?")[0]).strip("/").replace("/", "_") or "beranda"
        page.screenshot(path=f"{SHOTS}/ponsel-{role}-{name}.png", full_page=True)


@contextmanager
def _phone(chromium, stack, username: str):
    """A page in a 360 px phone's browser, signed in as `username`."""
    context = chromium.new_context(**PHONE)
    try:
        page = context.new_page()
        sign_in(page, stack.portal_url, username)
        yield page
    finally:
        context.close()


@pytest.fixture(scope="module")
def kepala(portal):
    """The head of office's account, for the admin's pages."""
    user_add(portal[0], "kepala", "admin", name="Kepala Bapas Palembang", bapas_office="Bapas Palembang")
    return "kepala"


def test_every_page_fits_a_360px_phone(portal, chromium, kepala):
    stack, world = portal
    pages, found = _pages(_seed(stack, world)), {}
    for role, paths in pages.items():
        with _phone(chromium, stack, role) as page:
            for path in paths:
                answer = page.goto(stack.portal_url + path)
                assert answer.status in (200, 404), f"{role} {path}: {answer.status}"
                _shot(page, role, path)
                if problems := _problems(page, path):
                    found[f"{role} {path}"] = problems
    with chromium.new_context(**PHONE) as context:
        page = context.new_page()
        page.goto(stack.portal_url + "/masuk")
        _shot(page, "keluar", "/masuk")
        if problems := _problems(page, "/masuk"):
            found["signed out /masuk"] = problems
    assert found == {}, "\n".join(f"{where}: {problems}" for where, problems in found.items())


def test_a_form_refused_on_a_phone_keeps_the_error_beside_the_field(portal, chromium):
    stack, _world = portal
    with _phone(chromium, stack, "pk.siti") as page:
        page.goto(stack.portal_url + "/klien/baru")
        page.fill("#nik", "1671")
        page.click("main button[type=submit]")
        assert "NIK harus tepat 16 angka" in page.inner_text("#nik-error")
        _shot(page, "pk.siti", "klien_baru_kesalahan")
        assert _problems(page, "/klien/baru") == []


def test_a_table_on_a_phone_keeps_its_table_semantics(portal, chromium):
    """Stacked into label and value rows at 360 px, a screen reader still hears a table with its headers."""
    stack, _world = portal
    with _phone(chromium, stack, "pk.siti") as page:
        page.goto(stack.portal_url + "/klien")
        tree = page.locator("main table").first.aria_snapshot()
        assert "- table" in tree and "- columnheader" in tree and "- cell" in tree, tree


def test_the_pages_a_form_leads_to_fit_a_phone(portal, chromium, kepala):
    """Checking the answers before a supervision ends, and a new password shown once."""
    stack, _world = portal
    client = _client_reporting_weekly(stack, "PAS-PONSEL-000125/PB/2026", "Bambang Sutrisno Wicaksono",
                                      "1671012304880009", 100)
    user_add(stack, "pk.budi", "officer", name="Budi Hartanto Wibisono", bapas_office="Bapas Palembang")
    found = {}
    with _phone(chromium, stack, "pk.siti") as page:
        page.goto(f"{stack.portal_url}/klien/{client}/akhiri")
        page.check("#status-0")
        page.fill("#effective_date", dates.today().isoformat())
        page.fill("#reason", "Masa pembimbingan selesai tanpa pelanggaran")
        page.click("main button[type=submit]")
        assert page.url.endswith("/akhiri/periksa"), page.url
        _shot(page, "pk.siti", "klien_x_akhiri_periksa")
        found["akhiri/periksa"] = _problems(page, "/klien/x/akhiri/periksa")
    with _phone(chromium, stack, kepala) as page:
        page.goto(stack.portal_url + "/akun")
        page.locator("tr", has_text="pk.budi").locator("button", has_text="Kata sandi baru").click()
        assert "Kata sandi untuk pk.budi" in page.inner_text("h1")
        _shot(page, kepala, "akun_kata-sandi")
        found["kata sandi"] = _problems(page, "/akun/pk.budi/reset")
    assert found == {"akhiri/periksa": [], "kata sandi": []}, found
