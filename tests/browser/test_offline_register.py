"""The partner's register on a phone without signal: marks wait on the phone, survive a reload, and
are sent once when the network is back (each batch with its Idempotency-Key)."""
from datetime import date, datetime, timedelta

import pytest
import requests

from services.portal import dates
from shared.auth import issue_token
from tests.browser.conftest import shot
from tests.browser.helpers import sign_in
from tests.support.poll import eventually

pytestmark = pytest.mark.timeout(600)
MARKS = ("present", "late", "absent")


def _api(stack, service: str, method: str, path: str, body=None, role="admin", group=None, headers=None,
         sub="seed-admin"):
    token = issue_token(stack.jwt_secret, role=role, sub=sub, region=stack.region, group_id=group)
    answer = requests.request(method, f"{stack.url(service)}{path}", json=body, timeout=30,
                              headers={"Authorization": f"Bearer {token}", **(headers or {})})
    return answer


def _participants(stack, program_id: str) -> list[tuple[str, str]]:
    """Three clients enrolled in the program: (client id, enrollment id)."""
    today = date.today()
    people = []
    for n, name in enumerate(("Andi Wijaya", "Dewi Lestari", "Rudi Hartono")):
        client = _api(stack, "klien", "POST", "/clients", {
            "register_number": f"PAS-OFF-{n}", "name": name, "nik": f"167102020291000{n}", "birth_date": "1991-03-04",
            "sex": "L", "address": "Jl. Kenari", "supervision_type": "PIDANA_BERSYARAT", "offence_category": "lainnya",
            "decree": None, "supervision_start": (today - timedelta(days=30)).isoformat(),
            "supervision_end": (today + timedelta(days=200)).isoformat(), "officer_id": "pk.siti",
            "bapas_office": "Bapas Palembang"}).json()
        enrollment = _api(stack, "bimbingan", "POST", "/enrollments", {
            "client_id": client["id"], "program_id": program_id,
            "start_date": (today - timedelta(days=3)).isoformat()}).json()
        people.append((client["id"], enrollment["id"]))
    return people


def test_marks_recorded_offline_are_sent_once_when_the_network_is_back(portal, chromium):
    stack, world = portal
    people = _participants(stack, world["program_a"])
    starts = (datetime.now(dates.zone()) - timedelta(hours=2)).isoformat()
    session = _api(stack, "bimbingan", "POST", "/sessions", {
        "program_id": world["program_a"], "starts_at": starts, "topic": "Tahsin", "facilitator": "Ust. Ahmad",
        "delivery": "in_person"}).json()
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    sign_in(page, stack.portal_url, "mitra.a")
    register = f"{stack.portal_url}/sesi/{session['id']}/presensi"
    page.goto(register)
    eventually(lambda: page.evaluate("() => navigator.serviceWorker.controller !== null"), timeout=60, interval=0.25)
    eventually(lambda: page.evaluate("() => caches.match(location.pathname).then(Boolean)"), timeout=60,
               interval=0.25)

    context.set_offline(True)
    for (_client, enrollment), mark in zip(people, MARKS):
        page.check(f"#mark-{enrollment}-{mark}")
    page.fill(f"#behaviour-{people[2][1]}", "Tidak datang, kabarnya sakit")
    page.check(f"#flag-{people[2][1]}")                                 # session feedback for the PK
    page.click("main button[type=submit]")
    page.wait_for_selector("#antrian li[data-state=waiting]")
    assert "Menunggu jaringan: 3 presensi" in page.inner_text("#antrian")
    page.reload()                                                       # offline: the service worker's copy
    page.wait_for_selector("#antrian li[data-state=waiting]")
    assert page.is_checked(f"#mark-{people[2][1]}-absent")
    shot(page, "presensi-luring", phone=True)
    page.click("nav button:has-text('Keluar')")                         # would delete the waiting marks
    page.wait_for_selector("#keluar-peringatan:not([hidden])")
    assert "1 kiriman presensi belum terkirim" in page.inner_text("#keluar-peringatan")
    assert page.url == register
    assert _api(stack, "bimbingan", "GET", f"/sessions/{session['id']}").json()["attendance"] == []

    context.set_offline(False)
    page.wait_for_selector("#antrian li[data-state=sent]", timeout=30000)
    key = page.get_attribute("#antrian li[data-state=sent]", "data-key")
    recorded = _api(stack, "bimbingan", "GET", f"/sessions/{session['id']}").json()["attendance"]
    assert {m["enrollment_id"]: m["attendance"] for m in recorded} == {
        enrollment: mark for (_c, enrollment), mark in zip(people, MARKS)}
    assert [m["enrollment_id"] for m in recorded if m["pk_should_know"]] == [people[2][1]]
    counts = {e: _api(stack, "bimbingan", "GET", f"/enrollments/{e}").json() for _c, e in people}
    assert [(c["sessions_attended"], c["sessions_missed"]) for c in counts.values()] == [(1, 0), (1, 0), (0, 1)]

    def guidance_exact():
        seen = [_api(stack, "klien", "GET", f"/clients/{c}").json()["guidance"] for c, _e in people]
        return [(g["sessions_attended"], g["sessions_missed"]) for g in seen] == [(1, 0), (1, 0), (0, 1)]
    eventually(guidance_exact, timeout=30)

    replay = _api(stack, "bimbingan", "POST", f"/sessions/{session['id']}/attendance",
                  {"records": [{"enrollment_id": e, "attendance": m, "pk_should_know": e == people[2][1],
                                **({"behaviour_note": "Tidak datang, kabarnya sakit"} if e == people[2][1] else {})}
                               for (_c, e), m in zip(people, MARKS)]},
                  role="partner", group=world["group_a"], sub="mitra.a", headers={"Idempotency-Key": key})
    assert replay.status_code == 200, replay.text
    after = {e: _api(stack, "bimbingan", "GET", f"/enrollments/{e}").json()["version"] for _c, e in people}
    assert after == {e: c["version"] for e, c in counts.items()}         # applied once: nothing changed
    context.close()


def test_another_groups_partner_can_neither_open_nor_post_to_the_register(portal, chromium):
    stack, world = portal
    starts = (datetime.now(dates.zone()) - timedelta(hours=1)).isoformat()
    session = _api(stack, "bimbingan", "POST", "/sessions", {
        "program_id": world["program_a"], "starts_at": starts, "topic": "Fiqih", "facilitator": "Ust. Ahmad",
        "delivery": "in_person"}).json()
    context = chromium.new_context()
    page = context.new_page()
    sign_in(page, stack.portal_url, "mitra.b")
    assert page.goto(f"{stack.portal_url}/sesi/{session['id']}/presensi").status == 403
    token = page.evaluate("fetch('/').then(r => r.text()).then(t => t.match(/name=\"csrf_token\" value=\"([^\"]+)/)[1])")
    status = page.evaluate("""([url, token]) => fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json',
        'X-CSRFToken': token, 'Idempotency-Key': 'probe-0001'}, body: JSON.stringify({records: []})}).then(r => r.status)""",
                           [f"/sesi/{session['id']}/presensi/kirim", token])
    assert status in (403, 422)
    context.close()
