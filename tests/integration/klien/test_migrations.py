"""`bapas migrate klien` on what an older version stored: free-text offence categories, history entries
holding such text, no attention/ending/NIK/due index entries and the NIK slot named by the NIK in clear.
The CLI is interrupted midway and resumed; the records are then read through the API, and a second
run changes nothing."""
import json
from datetime import timedelta

import pytest

from services.klien import domain, keys, reporting
from services.klien.app import nik_key
from shared import clock
from shared.pagination import index_member
from tests.support.client import ServiceApp, assert_problem
from tests.support.klien_data import client_body, enrollment_data
from tests.support.migrate_cli import bapas_migrate, stored

# (what an older version stored, the code it becomes); "copet di pasar" names no code: lainnya, noted.
OFFENCES = [("Theft", "pencurian"), ("narkoba", "narkotika"), (" Penipuan / Penggelapan ", "penipuan_penggelapan"),
            ("copet di pasar", "lainnya"), ("TIPIKOR", "korupsi"), ("pencurian", "pencurian")]
CLIENTS = 24


def listed(caller, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        body = caller.get("/clients", query_string={**params, "limit": 7, **({"cursor": cursor} if cursor else {})})
        assert body.status_code == 200, body.get_data(as_text=True)
        items += body.get_json()["items"]
        cursor = body.get_json()["next_cursor"]
        if not cursor:
            return items


def as_older_version_stored(klien, made: list[dict]) -> None:
    """Rewrite what the current code stored into an older version's form."""
    store, secret = klien.redis, nik_key(klien.settings)
    for n, client in enumerate(made):
        record = json.loads(store.get(keys.client(client["id"])))
        record["offence_category"] = OFFENCES[n % len(OFFENCES)][0]
        store.set(keys.client(client["id"]), json.dumps(record))
        for name, member in domain.index_members(record, secret, attention=True, next_due=next_due(klien, record)):
            if name in ("attention", "ending", "due") or name.startswith(("nik:", "due_officer:")):
                store.zrem(keys.index(name), member)
        store.rename(keys.nik_slot(domain.nik_digest(record["nik"], secret)), keys.nik_slot(record["nik"]))


def next_due(klien, client: dict) -> str | None:
    return reporting.next_open_due(json.loads(klien.redis.get(keys.reporting(client["id"])) or "null"), client)


def schedule(caller, client: dict, first_due: str) -> None:
    response = caller.open("PUT", f"/clients/{client['id']}/reporting", json={"frequency": "weekly", "first_due": first_due})
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.fixture
def older(klien, admin):
    """CLIENTS clients as an older version left them: client 0 with three absences in a row in its
    guidance, client 1 ending in 10 days, clients 4 and 9 corrected after the code was upgraded but
    before the data was (their history holds the old text), clients 3 and 5 with a wajib lapor schedule."""
    today = clock.today()
    made = [admin.created("/clients", client_body(
        register_number=f"MIG-{n:03d}", supervision_end=(today + timedelta(days=10 if n == 1 else 400)).isoformat()))
        for n in range(CLIENTS)]
    schedule(admin, made[3], today.isoformat())
    schedule(admin, made[5], (today + timedelta(days=3)).isoformat())
    entry = domain.guidance_entry(enrollment_data(made[0]["id"], consecutive_absences=3))
    klien.redis.hset(keys.guidance(made[0]["id"]), entry["enrollment_id"], json.dumps(entry))
    as_older_version_stored(klien, made)
    for n, code in ((4, "korupsi"), (9, "pencurian")):
        assert admin.patch(f"/clients/{made[n]['id']}", {"offence_category": code}).status_code == 200
    return made


def test_an_interrupted_migration_resumes_and_the_api_reads_the_upgraded_records(klien, admin, older, redis_url):
    made = older
    assert listed(admin, attention="true") == [] and listed(admin, nik=made[2]["nik"]) == []
    assert listed(admin, report_due_by=(clock.today() + timedelta(days=7)).isoformat()) == []
    assert admin.get(f"/clients/{made[0]['id']}").get_json()["offence_category"] == "Theft"

    stopped = bapas_migrate(redis_url, "klien", "--batch", "5", "--max-batches", "2")
    assert stopped.returncode == 1, stopped.stdout + stopped.stderr
    assert "pending: run it again to resume" in stopped.stdout
    assert klien.redis.get("klien:data:version") is None
    assert klien.redis.get("klien:data:migration:1:cursor") not in (None, "0")

    resumed = bapas_migrate(redis_url, "klien", "--batch", "5")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "klien: data version 6" in resumed.stdout and "to review" in resumed.stdout

    for n, client in enumerate(made):
        got = admin.get(f"/clients/{client['id']}").get_json()
        expected = {4: "korupsi", 9: "pencurian"}.get(n, OFFENCES[n % len(OFFENCES)][1])
        assert got["offence_category"] == expected, (n, got["offence_category"])
    history = admin.get(f"/clients/{made[4]['id']}/history").get_json()["items"]
    assert history[-1]["changes"]["offence_category"] == {"old": "korupsi", "new": "korupsi"}
    history = admin.get(f"/clients/{made[9]['id']}/history").get_json()["items"]
    assert history[-1]["changes"]["offence_category"] == {"old": "lainnya", "new": "pencurian"}

    every = listed(admin)
    assert sorted(c["id"] for c in every) == sorted(c["id"] for c in made)
    assert [c["id"] for c in listed(admin, attention="true")] == [made[0]["id"]]
    assert [c["id"] for c in listed(admin, ending_within_days=15)] == [made[1]["id"]]
    assert [c["id"] for c in listed(admin, nik=made[2]["nik"])] == [made[2]["id"]]
    week = (clock.today() + timedelta(days=7)).isoformat()
    assert [(c["id"], c["next_report_due"]) for c in listed(admin, report_due_by=week)] == [
        (made[3]["id"], clock.today().isoformat()), (made[5]["id"], (clock.today() + timedelta(days=3)).isoformat())]
    assert [c["id"] for c in listed(admin, report_due_by=week, officer_id=made[5]["officer_id"])] == [
        made[3]["id"], made[5]["id"]]
    assert not list(klien.redis.scan_iter("klien:unique:active_nik:" + "[0-9]" * 16))   # no NIK in a key
    duplicate = admin.post("/clients", client_body(register_number="MIG-DUP", nik=made[2]["nik"]))
    assert "already has this NIK" in assert_problem(duplicate, 409)["detail"]

    review = bapas_migrate(redis_url, "klien", "--review").stdout.splitlines()
    unmapped = {made[n]["id"] for n in range(CLIENTS) if n % len(OFFENCES) == 3 and n != 9}
    assert {line.split("\t")[1] for line in review if line.startswith("1\t")} == {keys.client(i) for i in unmapped}
    assert [line.split("\t")[1] for line in review if line.startswith("2\t")] == [keys.history(made[9]["id"])]
    assert all("'copet di pasar' matched no code" in line for line in review)
    assert f"{len(unmapped) + 1} note(s) deleted" in bapas_migrate(redis_url, "klien", "--forget-review").stdout
    assert bapas_migrate(redis_url, "klien", "--review").stdout == ""

    before = stored(klien.redis)
    again = bapas_migrate(redis_url, "klien")
    assert again.returncode == 0 and "data version 6, code expects 6" in again.stdout
    assert stored(klien.redis) == before


def test_after_the_nik_index_key_changed_migrating_again_from_2_makes_nik_exact(klien, admin, redis_url, monkeypatch):
    made = [admin.created("/clients", client_body(register_number=f"ROT-{n}")) for n in range(5)]
    assert bapas_migrate(redis_url, "klien").returncode == 0
    monkeypatch.setenv("KLIEN_NIK_INDEX_KEY", "a-key-of-its-own")        # or BAPAS_JWT_SECRET rotated without it
    rotated = ServiceApp("klien", redis_url).as_("admin")
    assert listed(rotated, nik=made[0]["nik"]) == []                      # named by the old key's digests

    again = bapas_migrate(redis_url, "klien", "--from", "2", env={"KLIEN_NIK_INDEX_KEY": "a-key-of-its-own"})
    assert again.returncode == 0, again.stdout + again.stderr
    assert [c["id"] for c in listed(rotated, nik=made[0]["nik"])] == [made[0]["id"]]
    secret = b"a-key-of-its-own"
    assert set(klien.redis.scan_iter("klien:idx:nik:*")) == {
        keys.index(domain.nik_index(c["nik"], secret)) for c in made}        # the old digests' entries are gone
    assert set(klien.redis.scan_iter(keys.nik_slot("*"))) == {
        keys.nik_slot(domain.nik_digest(c["nik"], secret)) for c in made}
    duplicate = rotated.post("/clients", client_body(register_number="ROT-DUP", nik=made[1]["nik"]))
    assert "already has this NIK" in assert_problem(duplicate, 409)["detail"]



def test_a_store_migrated_before_the_due_lists_existed_gets_them_from_version_6(klien, admin, redis_url):
    today = clock.today()
    made = [admin.created("/clients", client_body(register_number=f"DUE-{n}")) for n in range(3)]
    schedule(admin, made[0], today.isoformat())
    schedule(admin, made[2], (today + timedelta(days=2)).isoformat())
    assert bapas_migrate(redis_url, "klien").returncode == 0
    for key in [*klien.redis.scan_iter(keys.index("due")), *klien.redis.scan_iter(keys.index("due_officer:*"))]:
        klien.redis.delete(key)                                          # what version 5's code left
    klien.redis.set("klien:data:version", 5)
    assert listed(admin, report_due_by=today.isoformat()) == []

    done = bapas_migrate(redis_url, "klien")
    assert done.returncode == 0 and "klien: data version 6" in done.stdout, done.stdout + done.stderr
    by = (today + timedelta(days=2)).isoformat()
    assert [c["id"] for c in listed(admin, report_due_by=by)] == [made[0]["id"], made[2]["id"]]
    assert [c["id"] for c in listed(admin, report_due_by=today.isoformat())] == [made[0]["id"]]


def test_after_a_rollback_migrating_again_from_3_drops_a_due_entry_the_client_does_not_call_for(klien, admin,
                                                                                             redis_url):
    today = clock.today()
    client = admin.created("/clients", client_body(register_number="DUE-RB"))
    schedule(admin, client, today.isoformat())
    assert bapas_migrate(redis_url, "klien").returncode == 0
    stale = index_member((today - timedelta(days=7)).isoformat(), client["id"])   # an older release's check-in
    for name in (domain.DUE_INDEX, domain.due_index(client["officer_id"])):       # moved the date, not the entry
        klien.redis.zadd(keys.index(name), {stale: 0})
    assert [c["next_report_due"] for c in listed(admin, report_due_by=today.isoformat())] == [today.isoformat()] * 2

    assert bapas_migrate(redis_url, "klien", "--from", "3").returncode == 0
    assert [(c["id"], c["next_report_due"]) for c in listed(admin, report_due_by=today.isoformat())] == [
        (client["id"], today.isoformat())]
    assert [c["id"] for c in listed(admin, report_due_by=today.isoformat(), officer_id=client["officer_id"])] == [
        client["id"]]
