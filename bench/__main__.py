"""`make bench`: write throughput against the floor, event latency, relay and consumer against raw
kombu, scale and the portal's pages at scale; prints the tables and writes bench/results.md. BENCH_QUICK=1 for a
short run; BENCH_ONLY=portal (a comma list of stack, workers, backbone, scale, portal) runs only those sections and
writes bench/results-<sections>.md instead."""
import os
import time
from datetime import datetime, timezone

from bench import attendance, backbone, contention, laporan, latency, portal, scale, sustained, workers, writes
from bench.deploy import clients, deployed, redis_room
from bench.report import RESULTS, Report, machine
from bench.targets import PORTAL_FLAT, PORTAL_P95_MS, Targets
from shared.config import load_settings
from tests.support import rabbitmq
from tests.support.redis_server import RedisServer

QUICK = os.environ.get("BENCH_QUICK") == "1"
# The APIs as compose and Kubernetes deploy them: granian behind the front (docs/operations.md, "HTTP
# server"); `BAPAS_HTTP_SERVER=gunicorn make bench` measures bapas serve's own default instead.
os.environ.setdefault("BAPAS_HTTP_SERVER", "granian")
PLAN = {
    "rounds": 3, "seconds": 2 if QUICK else 10,  # a median of 3: one round can fall on a load spike
    "samples": 30 if QUICK else 200, "sustained": 15 if QUICK else 60,
    "messages": 1000 if QUICK else 10_000, "clients": (1000, 10_000) if QUICK else (1000, 100_000),
    "marks": (10_000, 100_000) if QUICK else (10_000, 1_000_000), "processes": 2, "threads": 8,
    "portal clients": (1000, 10_000) if QUICK else (1000, 100_000),
}
SECTIONS = ("stack", "workers", "backbone", "scale", "portal")


def chosen(only: str) -> list[str]:
    """The sections BENCH_ONLY names (a comma list), in the bench's order; every section when it is empty."""
    names = {name.strip() for name in only.split(",") if name.strip()}
    if names - set(SECTIONS):
        raise SystemExit(f"BENCH_ONLY: unknown section(s) {', '.join(sorted(names - set(SECTIONS)))}; "
                         f"known: {', '.join(SECTIONS)}")
    return [name for name in SECTIONS if name in names] or list(SECTIONS)


ONLY = chosen(os.environ.get("BENCH_ONLY", ""))


def main() -> None:
    started = time.monotonic()
    report = Report("Benchmark results")
    report.text(f"Taken {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {machine()}; "
                f"{'BENCH_QUICK=1 (short run)' if QUICK else 'full run'}; reproduce with `make bench`.\n"
                f"HTTP: {http_server_line()} per service (the floor: gunicorn gthread, the same workers "
                f"and threads); load from "
                f"{PLAN['processes']} processes x {PLAN['threads']} keep-alive connections on the same machine. "
                f"The stack's embedded Redis may hold {redis_room()} (`make run`: 1gb; bench/deploy.py says why).")
    if ONLY != list(SECTIONS):
        report.text(f"Only these sections (BENCH_ONLY): {', '.join(ONLY)}.")
    targets = Targets()
    for name, run in (("stack", stack_sections), ("workers", workers_section), ("backbone", backbone_section),
                      ("scale", scale_sections), ("portal", portal_section)):
        if name in ONLY:
            run(report, targets)
    report.section("Targets (issue 21)", targets.rows,
                   ["ratios are taken in the same run, alternating; absolute figures depend on the machine's load"],
                   first=True)
    report.text(f"\nThe whole run took {time.monotonic() - started:.0f} s.")
    report.write(RESULTS if ONLY == list(SECTIONS) else RESULTS.with_name(f"results-{'-'.join(ONLY)}.md"))


def http_server_line() -> str:
    """The server the services ran under (bapas serve, BAPAS_HTTP_SERVER), its workers and threads."""
    settings = load_settings()
    kind = "granian WSGI" if settings.http_server == "granian" else "gunicorn gthread"
    return f"{kind}, {settings.http_workers} worker(s) x {settings.http_threads} threads"


def stack_sections(report: Report, targets: Targets) -> None:
    with deployed() as (stack, floor_url, broker):
        klien, pokmas, bimbingan = clients(stack)
        rows, notes, programs, rates, split = writes.measure(stack, floor_url, pokmas, rounds=PLAN["rounds"],
                                                             seconds=PLAN["seconds"], processes=PLAN["processes"],
                                                             threads=PLAN["threads"])
        targets.writes(rates)
        report.section(f"Write throughput (stack on {broker}; median of {PLAN['rounds']} rounds of "
                       f"{PLAN['seconds']} s; target: at least 0.8 of the floor)", rows, notes)
        report.section("Where a write's CPU goes: µs of CPU per answered request, by process (all rounds)",
                       split.rows(),
                       ["from /proc: each process's user + system time over the window; the load generator's from "
                        "its worker processes' rusage (bench/load.py); 'the rest' is the machine's busy time minus "
                        "all these (the bench itself, other work on the machine); 'stolen by the hypervisor' is "
                        "/proc/stat's steal: time this virtual machine's cores had work but another guest ran (a "
                        "run with much of it is slower for every process, and ratios to the floor move with it)",
                        "'burst' is the load's window; '+ its events applied' runs on until the relay and the "
                        "consumers have applied every event of the burst (the write's whole cost)",
                        "on 2 cores a target's rate can be at most 2,000,000 / its 'all' figure per second"])
        rows, figures = latency.measure(stack, klien, bimbingan, programs, samples=PLAN["samples"],
                                        background_rate=300, processes=PLAN["processes"])
        targets.latency(figures["idle_p99"], figures["loaded_p99"], figures["achieved"], figures["idle_api_p99"],
                        figures["loaded_api_p99"])
        report.section("Event latency: POST /enrollments 201 -> the enrollment in klien's guidance view "
                       "(targets: p99 <= 15 ms idle, <= 50 ms at 300 writes/s)", rows,
                       ["p50 / p95 / p99: until the view in klien's store has it (watched by HEXISTS); 'shown by GET': "
                        "until one GET /clients/{id} after that showed it in guidance (bench/latency.py says why)",
                        "background writes: POST /clients and POST /groups, half the rate each, paced, while the "
                        "samples are taken one after another; the sample's own writes come on top"])
        held = sustained.measure(stack, programs, seconds=PLAN["sustained"], expected_rate=rates["enrollments"],
                                 processes=PLAN["processes"], threads=PLAN["threads"])
        targets.sustained(held)
        report.section(f"Sustained writes: POST /enrollments for {PLAN['sustained']} s at full rate, then until "
                       "every guidance view in klien shows its enrollment (target: within 1 s)",
                       [{"req/s held": f"{held['rate']:.0f}", "seconds": f"{held['seconds']:.1f}",
                         "enrollments": held["enrollments"], "views current after the last answer":
                         f"{held['lag']:.2f} s", "answers": " ".join(f"{k}x{v}" for k, v in
                                                                     sorted(held["statuses"].items()))}],
                       ["the lag is measured from the load generator's end (its processes joined), polling klien's "
                        "Redis every 50 ms"])


def workers_section(report: Report, targets: Targets) -> None:
    server = RedisServer().start()
    try:
        figures = workers.measure(server.db_url(6))
    finally:
        server.cleanup()
    targets.metrics_across_workers(figures)


def portal_section(report: Report, targets: Targets) -> None:
    small, large = PLAN["portal clients"]
    with deployed() as (stack, _floor_url, broker):
        klien, pokmas, bimbingan = clients(stack)
        rows, notes, figures = portal.measure(stack, klien, pokmas, bimbingan, small, large)
    targets.portal(figures, small, large)
    report.section(f"Portal pages at {small:,} vs {large:,} clients in the region (stack on {broker}; targets: "
                   f"p95 <= {PORTAL_P95_MS} ms at {large:,}, within {PORTAL_FLAT}x of {small:,})", rows, notes)


def backbone_section(report: Report, targets: Targets) -> None:
    server = RedisServer().start()
    rows, notes = [], []
    try:
        rows += backbone.measure(server.url, server.db_url(1), "Redis transport", PLAN["messages"], targets)
        reason = rabbitmq.available()
        if reason:
            notes.append(f"RabbitMQ not measured: {reason}")
        else:
            vhost = rabbitmq.Vhost().create()
            try:
                rows += backbone.measure(server.url, vhost.url, "RabbitMQ", PLAN["messages"], targets)
            finally:
                vhost.delete()
    finally:
        server.cleanup()
    notes.append("ratio = ours / raw kombu; both publish persistent messages (RabbitMQ: with publisher confirms); "
                 "the consumer also commits each event's effect, inbox mark and sequence in one MULTI/EXEC "
                 "(Redis AOF, fsync always) before it acks, which raw kombu does not do")
    report.section(f"Relay and consumer vs raw kombu ({PLAN['messages']:,} messages each)", rows, notes)


def scale_sections(report: Report, targets: Targets) -> None:
    server = RedisServer().start()
    try:
        report.section("Profile of POST /clients: klien's store from 1 and from 8 threads (as one API worker's "
                       "8 threads do)", contention.measure(server.db_url(4), 100 if QUICK else 300),
                       ["a restart is an optimistic transaction begun again because a key it WATCHed changed "
                        "under it (another registration's commit); see docs/performance.md"])
        small, large = PLAN["clients"]
        rows, memory = scale.measure(server.url, small, large, repeats=20)
        report.section(f"Scale: klien list, filter and search answer times (in-process, median of 20) at "
                       f"{small:,} vs {large:,} clients", rows)
        report.section("Memory", memory)
        small, large = PLAN["marks"]
        rows, memory = attendance.measure(server.db_url(3), small, large, repeats=50)
        report.section(f"Scale: attendance reads at {small:,} vs {large:,} marks (Redis round trip, median of 50)",
                       rows)
        report.section("Attendance memory", memory)
        rows, notes = laporan.measure(server.db_url(5), repeats=20 if QUICK else 50, targets=targets)
        report.section("laporan: the monthly report of an office with 5,000 clients and 100,000 attendance marks "
                       "(figures kept, not computed per request; target < 100 ms as JSON)", rows, notes)
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
