"""The monthly report at the scale of a large office: 5,000 clients and 100,000 attendance marks.

The figures are kept: the report reads counters, it computes nothing over the marks. The office is
loaded in bulk with exactly the counters laporan's handlers keep (each fact's contributions from
services/laporan/domain.py, summed), because applying 110,000 events one transaction at a time would
take minutes; the consumer's own rate is measured apart on a sample of real events through the
backbone's Applier. Then GET /reports/monthly is timed in-process (JSON, xlsx, PDF).

`python -m bench.laporan [--sample DIR]` runs only this part; --sample also writes the month's
workbook and PDF into DIR."""
import argparse
import json
import random
import statistics
import time
import uuid
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from services.laporan import app as laporan_app, domain, handlers, keys
from shared import redis_tx
from shared.config import Settings
from shared.inbox import Applier
from tests.support.client import token
from tests.support.laporan_world import World
from tests.support.redis_server import RedisServer

WIB = ZoneInfo("Asia/Jakarta")
OFFICE, MONTH, REGION, SECRET = "palembang", "2026-10", "bench", "bench-secret"
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)]
MARK_MONTHS = MONTHS[-12:-2]                     # ten months with sessions, up to MONTH
GROUPS, SESSIONS_PER_MONTH = 40, 2
KINDS = ("PB", "CB", "CMB", "ASIMILASI", "PIDANA_BERSYARAT", "DIVERSI")


def _id(*parts) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_OID, ":".join(map(str, parts))))


def office_facts(clients: int, marks: int, rnd: random.Random):
    """Every contribution of an office's facts, and the replicas the report reads besides counters."""
    groups = [{"id": _id("g", n), "bapas_office": OFFICE} for n in range(GROUPS)]
    programs = [{"id": _id("p", g["id"], k), "group_id": g["id"], "guidance_type": kind}
                for g in groups for k, kind in enumerate(domain.GUIDANCE_TYPES)]
    sessions = {p["id"]: [{"id": _id("s", p["id"], m, n), "group_id": p["group_id"], "program_id": p["id"],
                           "status": "scheduled", "starts_at": f"{m}-{7 + 10 * n:02d}T02:00:00.000Z"}
                          for m in MARK_MONTHS for n in range(SESSIONS_PER_MONTH)] for p in programs}
    group_of = {g["id"]: g for g in groups}
    program_of = {p["id"]: p for p in programs}
    per_enrollment = marks // clients
    for n in range(clients):
        start = rnd.choice(MONTHS[:-3])
        status = rnd.choices(["active", "completed", "revoked", "transferred"], [85, 9, 3, 3])[0]
        client = {"bapas_office": OFFICE, "supervision_type": rnd.choice(KINDS), "supervision_start": f"{start}-05",
                  "status": status, "status_effective_date": f"{rnd.choice(MONTHS[MONTHS.index(start):])}-20"}
        yield from domain.client_contributions(client)
        program = programs[n % len(programs)]
        done = rnd.random() < 0.15
        enrollment = {"client_id": _id("c", n), "group_id": program["group_id"], "program_id": program["id"],
                      "status": "completed" if done else "enrolled", "start_date": f"{MARK_MONTHS[0]}-02",
                      "ended_on": f"{MONTH}-25" if done else None, "outcome": "achieved" if done else None}
        group = group_of[program["group_id"]]
        yield from domain.enrollment_contributions(enrollment, client, group, program)
        for session in sessions[program["id"]][:per_enrollment]:
            kind = rnd.choices(domain.ATTENDANCE, [70, 10, 15, 5])[0]
            yield from domain.mark_contributions(kind, enrollment, session, client, group, program, WIB)
    for program_sessions in sessions.values():
        for session in program_sessions:
            yield from domain.session_contributions(session, True, group_of[session["group_id"]],
                                                    program_of[session["program_id"]], WIB)


def load(client, clients: int, marks: int) -> float:
    """Write the office's counters and replicas in bulk; returns the seconds it took."""
    started = time.perf_counter()
    facts = list(office_facts(clients, marks, random.Random(5)))
    totals = Counter(keys.counter(c) for c in facts)
    # The distinct clients of a group's month, as the handlers count them when a client's marks cross zero.
    people = {(c[1], c[2], c[3]) for c in facts if c[0] == "participant"}
    totals.update((keys.group_month(group, month), "participants") for group, month, _ in people)
    months = {f"{k.split(':')[2]}|{k.split(':')[3]}" for k, _ in totals if k.startswith("laporan:fig:")}
    with client.pipeline(transaction=False) as pipe:
        for (key, field), count in totals.items():
            pipe.hincrby(key, field, count)
        pipe.sadd(keys.MONTHS, *months)
        for n in range(GROUPS):
            group_id = _id("g", n)
            pipe.set(keys.group(group_id), json.dumps({"id": group_id, "bapas_office": OFFICE}))
            pipe.hset(keys.GROUP_NAMES, group_id, f"Kelompok Binaan {n + 1:02d}")
            agreement = {"id": _id("a", n), "group_id": group_id, "number": f"PKS-{n + 1}/2026", "status": "active",
                         "valid_from": "2025-01-01", "valid_until": f"2026-{11 + n % 2}-{1 + n % 28:02d}"}
            pipe.set(keys.agreement(agreement["id"]), json.dumps(agreement))
            pipe.zadd(keys.AGREEMENTS_BY_END, {agreement["id"]: int(agreement["valid_until"].replace("-", ""))})
        pipe.execute()
    return time.perf_counter() - started


def consumer_rate(redis_url: str, events: int = 1000) -> float:
    """Events per second through the backbone's Applier and laporan's handlers (marks, mostly)."""
    client = redis_tx.connect(redis_url)
    applier = Applier(client, service="laporan-bench", handlers=handlers.build(WIB, "laporan-bench"))
    world = World(region=REGION)
    group = world.group()["data"]["id"]
    program = world.new_program()
    world.agreement(group, [(program, "kemandirian")])
    sessions = [world.session(program, group, starts_at=f"2026-10-{d:02d}T02:00:00.000Z") for d in range(1, 21)]
    while len(world.events) < events:
        enrollment = world.enrollment(world.client()["data"]["id"], program, group)
        for session in sessions:
            enrollment = world.mark(enrollment, session["data"]["id"], "present")
    started = time.perf_counter()
    for event in world.events:
        applier.apply(event)
    return len(world.events) / (time.perf_counter() - started)


def timed(http, headers, params: dict, repeats: int) -> tuple[float, float, object]:
    http.get("/reports/monthly", query_string=params, headers=headers)  # warm: imports and caches
    samples, response = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        response = http.get("/reports/monthly", query_string=params, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.data[:300]
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], response


def measure(redis_url: str, clients: int = 5000, marks: int = 100_000, repeats: int = 50,
            sample: Path | None = None, targets=None) -> tuple[list[dict], list[str]]:
    client = redis_tx.connect(redis_url)
    client.flushdb()
    client.config_set("appendfsync", "no")  # loading speed only; the reads are measured with fsync always
    seconds = load(client, clients, marks)
    client.config_set("appendfsync", "always")
    settings = Settings(redis_url=redis_url, broker_url=redis_url, region=REGION, jwt_secret=SECRET)
    http = laporan_app.create_app(settings).test_client()
    headers = {"Authorization": "Bearer " + token("auditor", "bench", secret=SECRET, region=REGION)}
    rows, body = [], None
    for label, extra in (("JSON", {}), ("xlsx", {"format": "xlsx"}), ("PDF", {"format": "pdf"})):
        median, p95, response = timed(http, headers, {"month": MONTH, "bapas_office": OFFICE, **extra}, repeats)
        target = "< 100 ms" if label == "JSON" else ""
        rows.append({"GET /reports/monthly": label, "median ms": f"{median:.1f}", "p95 ms": f"{p95:.1f}",
                     "target": target, "met": ("yes" if median < 100 else "NO") if target else ""})
        if targets is not None and label == "JSON":
            targets.laporan(median)
        body = body or response.get_json()
        if sample is not None and extra:
            sample.mkdir(parents=True, exist_ok=True)
            (sample / f"laporan-bulanan-{MONTH}.{extra['format']}").write_bytes(response.data)
    rate = consumer_rate(redis_url)
    notes = [f"office {OFFICE}, month {MONTH}: {body['clients']['active_at_end']:,} clients under supervision at "
             f"its end, {sum(body['attendance'].values()):,} marks in the month of {marks:,} kept, "
             f"{len(body['groups'])} groups, {len(client.smembers(keys.MONTHS))} months of counters "
             f"(running totals read over all of them)",
             f"counters loaded in bulk in {seconds:.1f} s; laporan's consumer applies {rate:,.0f} events/s "
             f"through the backbone's Applier on this machine (one MULTI/EXEC each, fsync always)",
             "in-process (Flask test client, no network), Redis on the same machine; median and p95 of "
             f"{repeats} requests"]
    return rows, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, help="also write the month's workbook and PDF here")
    args = parser.parse_args()
    server = RedisServer().start()
    try:
        rows, notes = measure(server.db_url(5), sample=args.sample)
    finally:
        server.cleanup()
    from bench.report import table
    print(table(rows))
    print("\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    main()
