"""Personal data (NIK, name, address, notes) never appears in an event or a log line.

This module runs last in the e2e tier (its name sorts last), so it scans everything the
suite before it made the stack write: every client's identifiers against every
service's /events feed and the stack's logs."""
import uuid

PERSON = {"name": "Zulkifli Pemeriksa Privasi", "nik": "9988776655443322",
          "address": "Jalan Rahasia Pribadi No. 77"}


def all_pages(client, path: str) -> list[dict]:
    items, cursor = [], None
    while True:
        response = client.get(path, params={"limit": 500, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            return items


def all_events(client) -> str:
    chunks, after = [], None
    while True:
        body = client.get("/events", params={"limit": 1000, **({"after": after} if after else {})}).json()
        chunks += [str(event) for event in body["items"]]
        if not body["next_after"]:
            return "\n".join(chunks)
        after = body["next_after"]


def stack_logs(stack) -> str:
    if hasattr(stack, "log"):
        return stack.log()
    return "\n".join(stack.logs(name) for name in ("klien", "pokmas", "bimbingan", "klien-worker",
                                                     "pokmas-worker", "bimbingan-worker"))


def test_no_personal_identifier_reaches_an_event_or_a_log_line(stack, admin):
    client = admin.klien.created("/clients", {
        **PERSON, "register_number": f"PDP-{uuid.uuid4().hex[:8]}", "birth_date": "1990-02-03", "sex": "L",
        "supervision_type": "CB", "offence_category": "penipuan_penggelapan",
        "decree": {"number": "PAS-9/2026", "date": "2026-01-01"},
        "supervision_start": "2026-01-10", "supervision_end": "2027-01-10", "officer_id": "pk-privacy",
        "bapas_office": "palembang"})
    admin.klien.post(f"/clients/{client['id']}/status",
                     json={"status": "transferred", "reason": "moved to Jalan Rahasia Pribadi", "effective_date": "2026-02-01"})
    clients = all_pages(admin.klien, "/clients")
    identifiers = {value for c in clients for value in (c.get("nik"), c.get("name"), c.get("address")) if value}
    identifiers |= set(PERSON.values())
    published = "\n".join(all_events(c) for c in (admin.klien, admin.pokmas, admin.bimbingan))
    logs = stack_logs(stack)
    assert logs, "the stack's logs should be readable"
    leaked_in_events = sorted(i for i in identifiers if i in published)
    leaked_in_logs = sorted(i for i in identifiers if i in logs)
    assert leaked_in_events == [] and leaked_in_logs == []
