"""`bapas migrate`: stored records upgraded in place, once, resumably, with the data version
raised only when every record was seen."""
import json
import logging
import os
import subprocess
import sys

import redis

from shared.migrate import Migration, Migrator, on_start

LEGACY_CODES = {"narcotics": "narkotika", "theft": "pencurian"}


def offence_code(record: dict) -> dict | None:
    """A migration of the kind issue 13 needs: free-text offence categories to the contract's codes."""
    code = LEGACY_CODES.get(record.get("offence_category"))
    return {**record, "offence_category": code} if code else None


def history_status(entry: dict) -> dict | None:
    return {**entry, "status": entry["status"].lower()} if entry.get("status", "").isupper() else None


MIGRATIONS = [Migration(1, "offence categories as codes", "test:client:*", offence_code),
              Migration(2, "history statuses in lower case", "test:history:*", history_status)]


def seed(store, count: int = 50) -> None:
    for n in range(count):
        store.set(f"test:client:{n}", json.dumps({"id": n, "offence_category": "narcotics" if n % 2 else "theft"}))
        store.rpush(f"test:history:{n}", json.dumps({"status": "ACTIVE"}), json.dumps({"status": "active"}))
    store.set("test:client:already", json.dumps({"id": "already", "offence_category": "korupsi"}))


def records(store) -> dict:
    return {key: json.loads(store.get(key)) for key in store.scan_iter("test:client:*")}


def stored(store) -> dict:
    return {key: store.dump(key) for key in store.scan_iter("test:*")}


def test_a_migration_upgrades_every_record_and_raises_the_data_version(redis_url):
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    seed(store)
    migrator = Migrator(store, "test", MIGRATIONS)
    assert (migrator.current(), migrator.target()) == (0, 2)
    done = migrator.run(batch=10)
    assert [(m.version, count, noted) for m, count, noted in done] == [(1, 50, 0), (2, 50, 0)]
    assert migrator.current() == 2 and not migrator.pending()
    assert {r["offence_category"] for r in records(store).values()} == {"narkotika", "pencurian", "korupsi"}
    assert all(json.loads(e)["status"] == "active" for e in store.lrange("test:history:7", 0, -1))


def test_an_interrupted_run_resumes_and_a_second_run_changes_nothing(redis_url):
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    seed(store, count=300)
    migrator = Migrator(store, "test", MIGRATIONS)
    assert migrator.run(batch=20, max_batches=2) == []  # stopped inside migration 1
    assert migrator.current() == 0 and store.get("test:data:migration:1:cursor") not in (None, "0")
    partly = sum(r["offence_category"] in ("narkotika", "pencurian") for r in records(store).values())
    assert 0 < partly < 300
    resumed = Migrator(store, "test", MIGRATIONS).run(batch=20)
    assert [done.migration.version for done in resumed] == [1, 2]
    assert sum(r["offence_category"] in ("narkotika", "pencurian") for r in records(store).values()) == 300
    before = stored(store)
    assert Migrator(store, "test", MIGRATIONS).run() == []
    assert stored(store) == before


def test_bapas_migrate_reports_the_data_version(redis_url):
    env = {**os.environ, "REDIS_URL": redis_url}
    pending = subprocess.run([sys.executable, "-m", "shared.cli", "migrate", "klien", "--status"], env=env,
                             capture_output=True, text=True, timeout=30)
    assert pending.returncode == 1 and "pending 1: offence_category as a code" in pending.stdout
    assert "klien: data version 0, code expects 6" in pending.stdout


def test_a_note_for_review_is_kept_with_the_rewrite_that_caused_it(redis_url):
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    store.set("test:client:1", json.dumps({"id": 1, "offence_category": "narcotics"}))
    store.set("test:client:2", json.dumps({"id": 2, "offence_category": "copet"}))
    fallback = Migration(1, "fallback", "test:client:*",
                         lambda r: None if r["offence_category"] in ("narkotika", "lainnya") else
                         {**r, "offence_category": LEGACY_CODES.get(r["offence_category"], "lainnya")},
                         lambda old, new: None if old["offence_category"] in LEGACY_CODES else
                         f"{old['offence_category']!r} set to {new['offence_category']}")
    migrator = Migrator(store, "test", [fallback])
    [done] = migrator.run()
    assert (done.rewritten, done.noted) == (2, 1)
    assert migrator.notes() == {1: {"test:client:2": "'copet' set to lainnya"}}
    assert Migrator(store, "test", [fallback]).run() == []
    assert migrator.notes() == {1: {"test:client:2": "'copet' set to lainnya"}}


def test_from_a_version_runs_the_later_migrations_again(redis_url):
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    seed(store, count=5)
    Migrator(store, "test", MIGRATIONS).run()
    store.rpush("test:history:0", json.dumps({"status": "ENDED"}))       # older code wrote meanwhile
    migrator = Migrator(store, "test", MIGRATIONS)
    assert migrator.run() == []
    migrator.restart_from(1)
    assert migrator.current() == 1 and [m.version for m in migrator.pending()] == [2]
    assert [(done.migration.version, done.rewritten) for done in migrator.run()] == [(2, 1)]
    assert json.loads(store.lindex("test:history:0", -1)) == {"status": "ended"}
    migrator.restart_from(5)                                  # never raises the data version
    assert migrator.current() == 2


def test_bapas_migrate_klien_refuses_to_name_nik_indexes_without_the_services_key(redis_url):
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    store.set("klien:client:c1", json.dumps({"id": "c1", "offence_category": "korupsi"}))
    env = {k: v for k, v in os.environ.items() if k not in ("KLIEN_NIK_INDEX_KEY", "BAPAS_JWT_SECRET",
                                                             "BAPAS_JWT_SECRET_FILE")}
    done = subprocess.run([sys.executable, "-m", "shared.cli", "migrate", "klien"], env={**env, "REDIS_URL": redis_url},
                          capture_output=True, text=True, timeout=30)
    assert done.returncode != 0 and "neither KLIEN_NIK_INDEX_KEY nor BAPAS_JWT_SECRET is set" in done.stderr
    assert store.get("klien:data:version") == "2"            # codes and history done; the index rebuild waits


def test_a_worker_start_stamps_a_new_store_and_names_a_pending_migration(redis_url, caplog):
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    on_start(store, "pokmas")
    assert store.get("pokmas:data:version") == "6"                  # nothing to migrate in a new region
    store.set("klien:client:c1", json.dumps({"id": "c1", "offence_category": "theft"}))
    with caplog.at_level(logging.WARNING, logger="shared.migrate"):
        on_start(store, "klien")
    assert store.get("klien:data:version") is None
    assert "klien: stored data at version 0, the code expects 6: run `bapas migrate klien`" in caplog.text


def test_a_cursor_from_another_redis_server_is_not_trusted(redis_url):
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    seed(store, count=40)
    store.set("test:data:migration:1:cursor", "a-server-restarted-since 12345")   # its order is gone
    [first, _second] = Migrator(store, "test", MIGRATIONS).run(batch=10)
    assert first.rewritten == 40
