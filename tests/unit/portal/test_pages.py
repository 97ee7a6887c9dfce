"""Pages rendered with fake services: what a person reads, and what the portal asks of the services."""
from datetime import date, timedelta

from tests.support.portal_fakes import problem
from tests.unit.portal.conftest import page

CLIENT_ID = "22222222-2222-4222-8222-222222222222"
PROGRAM_ID = "33333333-3333-4333-8333-333333333333"
GROUP_ID = "11111111-1111-4111-8111-111111111111"
ENROLLMENT_ID = "44444444-4444-4444-8444-444444444444"
SESSION_ID = "55555555-5555-4555-8555-555555555555"


def client(**overrides):
    return {"id": CLIENT_ID, "name": "Budi Santoso", "register_number": "PAS-001", "nik": "1671010101900001",
            "birth_date": "1990-02-03", "sex": "L", "address": "Jl. Sudirman 5", "supervision_type": "PB",
            "offence_category": "pencurian", "decree": {"number": "SK-1", "date": "2026-01-02"},
            "supervision_start": "2026-01-10", "supervision_end": "2099-12-20", "officer_id": "pk1",
            "bapas_office": "Bapas Palembang", "status": "active", "version": 3,
            "guidance": {"active_enrollments": 1, "completed_programs": 0, "sessions_attended": 4,
                         "sessions_missed": 1, "attention_required": 0, "enrollments": []}, **overrides}


def pages(*items):
    return {"items": list(items), "next_cursor": None}


PROGRAM = {"id": PROGRAM_ID, "name": "Kajian akhlak", "guidance_type": "kepribadian", "capacity": 10,
           "utilization": {"enrolled": 3, "active": 2, "completed": 1, "withdrawn": 0}, "open": True,
           "agreement_id": "66666666-6666-4666-8666-666666666666", "agreement_number": "PKS-1",
           "agreement_status": "active", "group_id": GROUP_ID, "valid_until": "2099-01-01"}
GROUP = {"id": GROUP_ID, "name": "Pesantren Al-Hidayah", "legal_form": "pesantren", "bapas_office": "Bapas Palembang"}
ENROLLMENT = {"id": ENROLLMENT_ID, "client_id": CLIENT_ID, "program_id": PROGRAM_ID, "group_id": GROUP_ID,
              "status": "enrolled", "start_date": "2026-02-01", "sessions_attended": 4, "sessions_missed": 1,
              "version": 2, "outcome": None, "reason_code": None}


def test_a_page_needs_a_signed_in_user(app):
    answer = app.test_client().get("/klien")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/masuk?next=/klien")


def test_sign_in_page_is_indonesian_and_a_wrong_password_is_refused_at_the_top(app):
    browser = app.test_client()
    soup = page(browser.get("/masuk"))
    assert soup.html["lang"] == "id"
    assert soup.h1.get_text(strip=True) == "Masuk"
    answer = browser.post("/masuk", data={"username": "pk1", "password": "wrong-password"})
    assert answer.status_code == 400
    assert "Nama pengguna atau kata sandi salah" in page(answer).select_one(".error-summary").get_text()


def test_english_is_a_choice(as_pk, services):
    as_pk.post("/bahasa", data={"lang": "en", "back": "/masuk"})
    soup = page(as_pk.get("/akun/nonexistent"))
    assert soup.html["lang"] == "en"
    assert soup.h1.get_text(strip=True) in ("You may not open this page", "Page not found")


def test_pk_home_shows_caseload_ending_soon_and_says_attention_is_not_offered(as_pk, services):
    ending = client(id="77777777-7777-4777-8777-777777777777", name="Ani", supervision_end="2000-01-01")
    services.klien.answers[("GET", "/clients")] = pages(client(), ending)
    services.bimbingan.answers[("GET", "/enrollments")] = pages()
    services.pokmas.answers[("GET", "/programs")] = pages(PROGRAM)
    soup = page(as_pk.get("/"))
    numbers = [n.get_text(strip=True) for n in soup.select(".card__number")]
    assert numbers[0] == "2" and numbers[1] == "–" and numbers[2] == "1"
    assert "belum menyediakan daftar perhatian" in soup.get_text()
    assert services.klien.calls[0] == ("GET", "/clients", {"status": "active", "officer_id": "pk1"})
    assert all(params.get("attention") is None for _, _, params in services.klien.calls)


def test_pk_home_lists_attention_when_klien_offers_the_filter(as_pk, services):
    services.klien.parameters.add(("/clients", "attention"))
    services.klien.answers[("GET", "/clients")] = lambda params: (
        pages(client(name="Perlu Dibantu")) if params.get("attention") else pages(client(name="Perlu Dibantu")))
    services.bimbingan.answers[("GET", "/enrollments")] = pages()
    services.pokmas.answers[("GET", "/programs")] = pages()
    soup = page(as_pk.get("/"))
    assert soup.select(".card__number")[1].get_text(strip=True) == "1"
    assert ("GET", "/clients", {"status": "active", "attention": "true", "officer_id": "pk1"}) in services.klien.calls


def test_admin_home_counts_the_office_per_pk(as_admin, services):
    services.klien.answers[("GET", "/clients")] = pages(client(), client(id="8" * 8 + "-8888-4888-8888-888888888888",
                                                                         officer_id="pk2"),
                                                        client(officer_id="pk9", bapas_office="Bapas Lain"))
    services.bimbingan.answers[("GET", "/enrollments")] = pages()
    services.pokmas.answers[("GET", "/programs")] = pages()
    soup = page(as_admin.get("/"))
    rows = {r.select("td")[0].get_text(strip=True): r.select("td")[1].get_text(strip=True)
            for r in soup.find("h2", string="Per PK").find_next("table").select("tbody tr")}
    assert rows == {"pk1": "1", "pk2": "1"}                              # another office's client is not counted


GUIDED = {"enrollment_id": ENROLLMENT_ID, "program_id": PROGRAM_ID, "group_id": GROUP_ID, "status": "enrolled",
          "program_name": "Kajian akhlak", "guidance_type": "kepribadian", "group_name": "Pesantren Al-Hidayah"}
MARK = {"session_id": SESSION_ID, "starts_at": "2026-03-01T02:00:00Z", "attendance": "late", "note": "macet"}


def test_client_page_names_programs_and_groups_and_offers_the_pk_its_actions(as_pk, services):
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}")] = client(guidance={
        **client()["guidance"], "enrollments": [GUIDED]})
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}/history")] = pages(
        {"version": 1, "action": "registered", "at": "2026-01-10T01:00:00Z", "by": "pk1", "fields": ["name"]})
    services.bimbingan.answers[("GET", "/enrollments")] = pages(ENROLLMENT)
    services.bimbingan.answers[("GET", f"/enrollments/{ENROLLMENT_ID}")] = {**ENROLLMENT, "attendance": [MARK]}
    soup = page(as_pk.get(f"/klien/{CLIENT_ID}"))
    assert soup.h1.get_text(" ", strip=True).startswith("Budi Santoso")
    text = soup.main.get_text(" ", strip=True)
    assert "Kajian akhlak" in text and "kepribadian" in text and "Pesantren Al-Hidayah" in text
    assert "Terlambat" in text and "macet" in text
    assert "Didaftarkan" in text
    actions = [a.get_text(strip=True) for a in soup.select("main .actions a")]
    assert actions == ["Ikutkan dalam program", "Perbaiki data", "Akhiri pembimbingan"]
    assert services.pokmas.calls == []          # named from klien's guidance view: no catalogue of the region read


def test_client_page_asks_pokmas_for_what_klien_has_not_named_yet_and_lists_marks_in_one_call(as_pk, services):
    services.bimbingan.parameters.add(("/enrollments", "attendance"))
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}")] = client(guidance={
        **client()["guidance"], "enrollments": [{**GUIDED, "program_name": None, "group_name": None}]})
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}/history")] = pages()
    services.bimbingan.answers[("GET", "/enrollments")] = pages({**ENROLLMENT, "attendance": [MARK]})
    services.pokmas.answers[("GET", f"/programs/{PROGRAM_ID}")] = PROGRAM
    services.pokmas.answers[("GET", f"/groups/{GROUP_ID}")] = GROUP
    text = page(as_pk.get(f"/klien/{CLIENT_ID}")).main.get_text(" ", strip=True)
    assert "Kajian akhlak" in text and "Pesantren Al-Hidayah" in text and "macet" in text
    assert sorted(path for _m, path, _p in services.pokmas.calls) == [f"/groups/{GROUP_ID}", f"/programs/{PROGRAM_ID}"]
    assert [(path, params) for _m, path, params in services.bimbingan.calls] == [
        ("/enrollments", {"client_id": CLIENT_ID, "attendance": "true"})]


def test_auditor_client_page_has_no_write_action(as_auditor, services):
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}")] = client(nik="************0001")
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}/history")] = pages()
    services.bimbingan.answers[("GET", "/enrollments")] = pages(ENROLLMENT)
    services.bimbingan.answers[("GET", f"/enrollments/{ENROLLMENT_ID}")] = {**ENROLLMENT, "attendance": []}
    services.pokmas.answers[("GET", "/programs")] = pages(PROGRAM)
    services.pokmas.answers[("GET", "/groups")] = pages(GROUP)
    soup = page(as_auditor.get(f"/klien/{CLIENT_ID}"))
    assert soup.select("main .actions") == [] and soup.select("main form") == []
    assert "Selesaikan" not in soup.main.get_text()
    assert "************0001" in soup.main.get_text()                     # the NIK as klien masks it for the role


def test_auditor_may_not_open_a_form_page(as_auditor):
    assert as_auditor.get("/klien/baru").status_code == 403


def test_register_keeps_input_and_puts_the_services_refusal_beside_the_field(as_pk, services):
    services.klien.answers[("POST", "/clients")] = problem(
        422, "invalid", {"decree": ["required for PB, CB, CMB and ASIMILASI"]})
    form = {"register_number": "PAS-1", "name": "Budi", "nik": "1671010101900001", "birth_date": "1990-01-01",
            "sex": "L", "address": "Jl. A", "supervision_type": "PB", "offence_category": "pencurian",
            "supervision_start": "2026-01-01", "supervision_end": "2026-12-01", "officer_id": "pk1",
            "bapas_office": "Bapas Palembang"}
    answer = as_pk.post("/klien/baru", data=form)
    assert answer.status_code == 400
    soup = page(answer)
    assert "required for PB" in soup.select_one("#decree_number-error").get_text()
    assert soup.select_one(".error-summary a")["href"] == "#decree_number"
    assert soup.select_one("#name")["value"] == "Budi"


def test_register_checks_the_form_before_asking_klien(as_pk, services):
    answer = as_pk.post("/klien/baru", data={"name": "Budi", "nik": "123"})
    soup = page(answer)
    assert answer.status_code == 400
    assert "NIK harus tepat 16 angka" in soup.select_one("#nik-error").get_text()
    assert "Isi bagian ini" in soup.select_one("#register_number-error").get_text()
    assert services.klien.posted("/clients") == []


def test_ending_a_supervision_asks_to_check_the_answers_then_sends_them_with_the_version(as_pk, services):
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}")] = client()
    services.klien.answers[("POST", f"/clients/{CLIENT_ID}/status")] = client(status="completed")
    answer = as_pk.post(f"/klien/{CLIENT_ID}/akhiri", data={"status": "completed", "effective_date": "2026-11-01",
                                                            "reason": "Masa pembimbingan selesai"})
    assert answer.headers["Location"].endswith(f"/klien/{CLIENT_ID}/akhiri/periksa")
    soup = page(as_pk.get(f"/klien/{CLIENT_ID}/akhiri/periksa"))
    values = [d.get_text(strip=True) for d in soup.select(".summary__value")]
    assert "Selesai" in values and "Masa pembimbingan selesai" in values
    assert soup.select(".summary__action a")[0]["href"] == f"/klien/{CLIENT_ID}/akhiri"
    assert services.klien.posted(f"/clients/{CLIENT_ID}/status") == []   # nothing sent before the check
    as_pk.post(f"/klien/{CLIENT_ID}/akhiri/periksa")
    sent = services.klien.posted(f"/clients/{CLIENT_ID}/status")
    assert sent == [{"body": {"status": "completed", "reason": "Masa pembimbingan selesai",
                              "effective_date": "2026-11-01"}, "version": 3}]


def test_enroll_offers_only_open_programs(as_pk, services):
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}")] = client()
    services.pokmas.answers[("GET", "/programs")] = pages(PROGRAM)
    services.pokmas.answers[("GET", "/groups")] = pages(GROUP)
    soup = page(as_pk.get(f"/klien/{CLIENT_ID}/ikutkan"))
    assert ("GET", "/programs", {"open": "true"}) in services.pokmas.calls
    option = soup.select_one("label[for=program_id-0]").get_text(" ", strip=True)
    assert "Kajian akhlak" in option and "8 tempat kosong" in option


def test_enroll_refused_by_bimbingan_says_why(as_pk, services):
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}")] = client()
    services.pokmas.answers[("GET", "/programs")] = pages(PROGRAM)
    services.pokmas.answers[("GET", "/groups")] = pages(GROUP)
    services.bimbingan.answers[("POST", "/enrollments")] = problem(409, "the program is full: 10 of 10 places taken")
    answer = as_pk.post(f"/klien/{CLIENT_ID}/ikutkan", data={"program_id": PROGRAM_ID})
    assert answer.status_code == 400
    assert "Program sudah penuh: 10 dari 10 tempat terisi." in page(answer).select_one(".error-summary").get_text()


def _session_world(services):
    services.bimbingan.answers[("GET", f"/sessions/{SESSION_ID}")] = {
        "id": SESSION_ID, "program_id": PROGRAM_ID, "starts_at": "2026-03-01T02:00:00Z", "topic": "Akhlak",
        "facilitator": "Ust. Ahmad", "delivery": "in_person", "status": "scheduled", "version": 1, "attendance": []}
    services.pokmas.answers[("GET", f"/programs/{PROGRAM_ID}")] = PROGRAM
    services.bimbingan.answers[("GET", "/enrollments")] = pages(ENROLLMENT)
    services.klien.answers[("GET", f"/clients/{CLIENT_ID}")] = {"id": CLIENT_ID, "name": "Budi Santoso", "version": 3}
    services.bimbingan.answers[("POST", f"/sessions/{SESSION_ID}/attendance")] = {"session_id": SESSION_ID}


def test_the_register_sends_one_record_per_marked_participant(as_partner, services):
    _session_world(services)
    soup = page(as_partner.get(f"/sesi/{SESSION_ID}/presensi"))
    assert soup.select_one("legend").get_text(strip=True) == "Budi Santoso"
    assert [lbl.get_text(strip=True) for lbl in soup.select(".radios__label")] == [
        "Hadir", "Terlambat", "Tidak hadir", "Izin"]
    as_partner.post(f"/sesi/{SESSION_ID}/presensi", data={f"mark-{ENROLLMENT_ID}": "late",
                                                          f"note-{ENROLLMENT_ID}": " macet ",
                                                          f"behaviour-{ENROLLMENT_ID}": "Gelisah",
                                                          f"flag-{ENROLLMENT_ID}": "1"})
    assert services.bimbingan.posted(f"/sessions/{SESSION_ID}/attendance") == [
        {"body": {"records": [{"enrollment_id": ENROLLMENT_ID, "attendance": "late", "note": "macet",
                               "behaviour_note": "Gelisah", "pk_should_know": True}]}, "version": None}]


def _held(days_ago: int) -> str:
    """A session's starts_at, `days_ago` days before today (02:00 UTC: the same date in Indonesia)."""
    return f"{date.today() - timedelta(days=days_ago)}T02:00:00Z"


def _held_session(days_ago: int = 1) -> dict:
    return {"id": SESSION_ID, "program_id": PROGRAM_ID, "group_id": GROUP_ID, "starts_at": _held(days_ago),
            "status": "scheduled", "delivery": "in_person"}


def test_the_pk_home_lists_feedback_partners_flagged_for_the_caseload(as_pk, services):
    services.klien.answers[("GET", "/clients")] = pages(client())
    services.bimbingan.answers[("GET", "/enrollments")] = pages(ENROLLMENT)
    services.bimbingan.answers[("GET", "/sessions")] = pages(_held_session(1), {**_held_session(2), "id": "s2"})
    services.bimbingan.answers[("GET", f"/enrollments/{ENROLLMENT_ID}")] = {**ENROLLMENT, "attendance": [
        {"session_id": SESSION_ID, "starts_at": _held(1), "attendance": "present",
         "behaviour_note": "Sering melamun", "pk_should_know": True},
        {"session_id": "s2", "starts_at": _held(2), "attendance": "present",
         "behaviour_note": "Biasa saja", "pk_should_know": False},
        {"session_id": "s0", "starts_at": _held(40), "attendance": "present",
         "behaviour_note": "Dulu sekali", "pk_should_know": True}]}
    services.pokmas.answers[("GET", "/programs")] = pages(PROGRAM)
    soup = page(as_pk.get("/"))
    items = soup.find("h2", string="Catatan mitra untuk PK").find_next("ul").select("li")
    assert len(items) == 1 and "Budi Santoso" in items[0].get_text() and "Sering melamun" in items[0].get_text()


def test_with_fewer_sessions_held_than_open_enrollments_the_feedback_is_read_per_session(as_pk, services):
    services.klien.parameters.add(("/clients", "guidance"))
    entries = [{"enrollment_id": eid, "program_id": PROGRAM_ID, "group_id": GROUP_ID, "status": "enrolled"}
               for eid in (ENROLLMENT_ID, "77777777-7777-4777-8777-777777777777")]
    services.klien.answers[("GET", "/clients")] = pages(client(guidance={"enrollments": entries}))
    services.bimbingan.answers[("GET", "/sessions")] = pages(_held_session(3))
    mark = {"session_id": SESSION_ID, "starts_at": _held(3), "attendance": "late", "pk_should_know": True}
    services.bimbingan.answers[("GET", f"/sessions/{SESSION_ID}")] = {**_held_session(3), "attendance": [
        {**mark, "enrollment_id": ENROLLMENT_ID, "behaviour_note": "Datang terlambat lagi"},
        {**mark, "enrollment_id": "99999999-9999-4999-8999-999999999999", "behaviour_note": "Bukan klien PK ini"}]}
    services.pokmas.answers[("GET", "/programs")] = pages(PROGRAM)
    soup = page(as_pk.get("/"))
    items = soup.find("h2", string="Catatan mitra untuk PK").find_next("ul").select("li")
    assert len(items) == 1 and "Datang terlambat lagi" in items[0].get_text()   # not the other PK's client
    paths = [path for _, path, _ in services.bimbingan.calls]
    assert f"/sessions/{SESSION_ID}" in paths and not [p for p in paths if p.startswith("/enrollments/")]


def test_a_session_the_service_refuses_is_a_403_page(as_partner, services):
    services.bimbingan.answers[("GET", f"/sessions/{SESSION_ID}")] = problem(403, "not your group")
    answer = as_partner.get(f"/sesi/{SESSION_ID}/presensi")
    assert answer.status_code == 403
    assert page(answer).h1.get_text(strip=True) == "Anda tidak boleh membuka halaman ini"


def test_the_portal_calls_the_services_as_the_user(as_partner, services):
    _session_world(services)
    as_partner.get(f"/sesi/{SESSION_ID}/presensi")
    identity = services.identities[-1]
    assert (identity.sub, identity.role, identity.region, identity.group_id) == (
        "mitra", "partner", "testreg", GROUP_ID)


def test_pages_carry_the_security_headers(as_pk, services):
    services.klien.answers[("GET", "/clients")] = pages()
    answer = as_pk.get("/klien")
    csp = answer.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_nik_search_is_not_sent_to_a_klien_that_does_not_offer_it(as_pk, services):
    soup = page(as_pk.get("/klien?nik=1671010101900001"))
    assert "belum menyediakan pencarian NIK" in soup.select_one(".error-summary").get_text() or \
        "does not offer search by NIK" in soup.select_one(".error-summary").get_text()
    assert services.klien.calls == []


def test_audit_entries_link_to_what_they_touched(as_auditor, services):
    services.klien.answers[("GET", "/audit")] = {"items": [
        {"id": "1-0", "at": "2026-03-01T02:00:00Z", "sub": "pk1", "role": "officer", "action": "read_client",
         "method": "GET", "path": f"/clients/{CLIENT_ID}", "status": 200},
        {"id": "2-0", "at": "2026-03-01T02:01:00Z", "sub": "boss", "role": "admin", "action": "list_clients",
         "method": "GET", "path": "/clients", "status": 200}], "next_after": None}
    soup = page(as_auditor.get("/audit?service=klien&who=pk1"))
    rows = soup.select("main tbody tr")
    assert len(rows) == 1
    assert rows[0].select_one("a")["href"] == f"/klien/{CLIENT_ID}"


def test_the_audit_trail_is_read_newest_first_where_the_service_offers_it(as_auditor, services):
    services.klien.answers[("GET", "/audit")] = {"items": [], "next_after": "5-0"}
    soup = page(as_auditor.get("/audit?service=klien"))
    assert services.klien.calls[-1] == ("GET", "/audit", {"limit": 200})       # not offered: oldest first
    assert soup.select_one("main p a").get_text(strip=True) == "Catatan berikutnya"
    services.klien.parameters.add(("/audit", "order"))
    soup = page(as_auditor.get("/audit?service=klien&setelah=9-0"))
    assert services.klien.calls[-1] == ("GET", "/audit", {"after": "9-0", "limit": 200, "order": "newest"})
    assert soup.select_one("main p a").get_text(strip=True) == "Catatan sebelumnya"
    assert soup.select_one("caption").get_text(strip=True) == "Catatan, dari yang terbaru"


def test_a_pk_home_takes_the_caseloads_enrollments_from_klien_when_it_offers_guidance(as_pk, services):
    services.klien.parameters.add(("/clients", "guidance"))
    entry = {"enrollment_id": ENROLLMENT_ID, "program_id": PROGRAM_ID, "group_id": GROUP_ID, "status": "enrolled"}
    ended = {**entry, "enrollment_id": "88888888-8888-4888-8888-888888888888", "status": "completed"}
    services.klien.answers[("GET", "/clients")] = pages(client(guidance={"enrollments": [entry, ended]}))
    services.bimbingan.answers[("GET", "/sessions")] = pages(_held_session(1), {**_held_session(8), "id": "s2"})
    services.bimbingan.answers[("GET", f"/enrollments/{ENROLLMENT_ID}")] = {**ENROLLMENT, "attendance": [
        {"session_id": SESSION_ID, "starts_at": _held(1), "attendance": "present",
         "behaviour_note": "Sering melamun", "pk_should_know": True}]}
    services.pokmas.answers[("GET", "/programs")] = pages(PROGRAM)
    soup = page(as_pk.get("/"))
    items = soup.find("h2", string="Catatan mitra untuk PK").find_next("ul").select("li")
    assert len(items) == 1 and "Sering melamun" in items[0].get_text()
    reads = [(path, params) for method, path, params in services.klien.calls + services.bimbingan.calls]
    assert ("/clients", {"status": "active", "officer_id": "pk1", "guidance": "true"}) in reads
    assert [path for path, _ in reads if path.startswith("/enrollments")] == [f"/enrollments/{ENROLLMENT_ID}"]
    [(_, week)] = [(path, params) for path, params in reads if path == "/sessions"]
    assert week["program_id"] == PROGRAM_ID and week["from"] <= week["to"]
