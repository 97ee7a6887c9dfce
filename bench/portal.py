"""The portal's pages at scale: a PK's home (beranda) and a client's page (halaman klien), timed over HTTP
with keep-alive against the stack as `bapas run` deploys it (the portal under gunicorn, calling klien,
pokmas and bimbingan over HTTP as the signed-in PK), at a small and a large number of clients in the region.

The clients go into klien's store in batches of klien's own repository writes (as bench/scale.py loads
them: record, indexes, history, outbox event), a fifth of them with a wajib lapor schedule (written as
klien's use case writes it: the record, the due lists, the worker's look-up day). The measured PK keeps
the same caseload at both sizes; the rest of the region grows around it."""
import os
import random
import re
import statistics
import time
from datetime import date, datetime, time as dt_time, timedelta
from pathlib import Path

import requests

from bench.fixtures import Programs
from services.klien import domain, reporting
from services.klien.app import grace_days, unit_of_work
from services.klien.events import CATALOG
from services.klien.schemas import ClientCreate
from shared import clock
from shared.config import Settings
from shared.context import CommandContext
from shared.ids import new_id
from shared.runtime import build_runtime
from tests.support import faults_payloads as payloads
from tests.support.faults_backbone import wait_feeds_caught_up, wait_settled
from tests.support.portal_stack import PASSWORD, user_add

PK = "pk.bench"                      # the PK who signs in; its caseload is the first CASELOAD clients
CASELOAD = 300
OFFICES = ("BAPAS Palembang", "BAPAS Lahat", "BAPAS Lubuklinggau", "BAPAS Baturaja", "BAPAS Muara Enim")
OTHER_PKS = 300                      # the region's other PKs: ~330 clients each at 100,000
SCHEDULED = 0.2                      # of the region's clients, with a weekly wajib lapor schedule
ENROLLED = 0.03                      # of the region's other clients, enrolled in a program
CASELOAD_ENROLLED = 120              # of the PK's own caseload
PAGES = (("PK home", "beranda"), ("client page", "klien"))


class Region:
    """The region's clients in klien's store, written directly (batched repository writes)."""

    def __init__(self, stack):
        settings = Settings(redis_url=stack.redis_url, broker_url=stack.broker_url, region=stack.region,
                            jwt_secret=stack.jwt_secret)
        self.runtime = build_runtime("klien", CATALOG, settings)
        self.uow = unit_of_work(self.runtime)
        self.schema = ClientCreate()
        self.ctx = CommandContext(actor="bench-loader", role="admin", correlation_id="bench-portal-load")
        self.today = clock.today()
        self.grace = grace_days()
        self.sunday = self.today + timedelta(days=6 - self.today.weekday())
        self.enrolled_from = self.today - timedelta(days=self.today.weekday() + 28)   # before the first session
        self.random = random.Random(21)
        self.count = 0
        self.caseload: list[str] = []          # the PK's clients
        self.scheduled_mine: list[str] = []    # of them, with a schedule
        self.others: list[str] = []            # every other client, by load order

    def load_to(self, count: int, batch: int = 500) -> float:
        """Clients until there are `count`; returns clients per second (fsync off while loading only)."""
        redis = self.runtime.redis
        redis.config_set("appendfsync", "no")
        start, wanted = time.perf_counter(), count - self.count
        try:
            for first in range(self.count, count, batch):
                with redis.pipeline(transaction=True) as pipe:
                    tx = self.uow.on(pipe)
                    events = []
                    for n in range(first, min(first + batch, count)):
                        events += self._write(tx, n)
                    tx.commit(self.ctx, events)
                    pipe.execute()
        finally:
            redis.config_set("appendfsync", "always")
        self.count = count
        return wanted / (time.perf_counter() - start)

    def _write(self, tx, n: int) -> list:
        mine = n < CASELOAD
        change = domain.register(self.schema.dump(self.schema.load(self._body(n, mine))), new_id(), self.ctx)
        client, events = change.client, list(change.events)
        (self.caseload if mine else self.others).append(client["id"])
        next_due = None
        if self.random.random() < (0.6 if mine else SCHEDULED):
            record, changes = reporting.set_schedule(reporting.empty(new_id(), client["id"]), client, "weekly",
                                                     self._first_due(), self.today, self.ctx)
            next_due = reporting.next_open_due(record, client)
            tx.reporting.save(record)
            tx.reporting.look_on(client["id"], reporting.next_look(record, client, self.today, self.grace))
            events += reporting.published(client, changes)
            if mine:
                self.scheduled_mine.append(client["id"])
        tx.clients.save(None, client, change.history, next_due=(None, next_due))
        return events

    def _body(self, n: int, mine: bool) -> dict:
        body = payloads.client(n)
        office = OFFICES[0] if mine else OFFICES[n % len(OFFICES)]
        officer = PK if mine else f"pk-{OFFICES.index(office)}-{n % OTHER_PKS:03d}"
        start = self.today - timedelta(days=60 + n % 300)
        body.update(officer_id=officer, bapas_office=office, supervision_start=start.isoformat(),
                    supervision_end=(start + timedelta(days=400 + n % 300)).isoformat(),
                    decree={"number": body["decree"]["number"], "date": (start - timedelta(days=5)).isoformat()})
        return body

    def _first_due(self) -> date:
        """Half this week (today to Sunday: in the home's due list), half the next two weeks."""
        if self.random.random() < 0.5:
            return self.today + timedelta(days=self.random.randint(0, (self.sunday - self.today).days))
        return self.sunday + timedelta(days=self.random.randint(1, 14))


class Portal:
    """A PK's browser: one keep-alive connection, signed in through /masuk with its CSRF token."""

    def __init__(self, url: str, username: str):
        self.url = url
        self.http = requests.Session()
        form = self.http.get(url + "/masuk", timeout=30).text
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form) or \
            re.search(r'value="([^"]+)"[^>]*name="csrf_token"', form)
        answer = self.http.post(url + "/masuk", data={"username": username, "password": PASSWORD,
                                                      "csrf_token": csrf.group(1)},
                                allow_redirects=False, timeout=30)
        if answer.status_code != 302:
            raise RuntimeError(f"the PK could not sign in: {answer.status_code} {answer.text[:300]}")

    def time(self, path: str, expect: tuple[str, ...]) -> float:
        """Milliseconds a GET took; the page must be a 200 showing each of `expect`."""
        start = time.perf_counter()
        answer = self.http.get(self.url + path, timeout=60)
        took = (time.perf_counter() - start) * 1000
        missing = [text for text in expect if text not in answer.text]
        if answer.status_code != 200 or missing:
            raise RuntimeError(f"GET {path}: {answer.status_code}, {missing} not on the page: {answer.text[:300]}")
        return took


def measure(stack, klien, pokmas, bimbingan, small: int, large: int, requests_per_page: int = 50):
    """Returns (rows, notes, figures): figures[page][size] = (p50, p95, stack CPU per page in ms, that CPU by part)."""
    region = Region(stack)
    programs = Programs(pokmas)
    user_add(stack, PK, "officer", name="PK Bench", bapas_office=OFFICES[0])
    loads, settle, catch_ups, figures, marks = [], [], [], {"PK home": {}, "client page": {}}, 0
    for size in (small, large):
        loads.append(region.load_to(size))
        settle.append(wait_settled(stack.redis_url, stack.broker_url, timeout=1200))
        others = _every(region.others[_enrolled_upto(region, small, size):], ENROLLED)
        if size == small:
            mine = _enroll(bimbingan, programs, region.caseload[:CASELOAD_ENROLLED], region.enrolled_from)
            marks = _sessions_with_attendance(bimbingan, mine, region.today)
            _check_in(klien, region.scheduled_mine[:30], region.today)
        _enroll(bimbingan, programs, others, region.enrolled_from)
        settle.append(wait_settled(stack.redis_url, stack.broker_url, timeout=1200))
        # The workers' feed catch-up reads the load's events again (every 30 s): pages timed while it runs
        # measure it too (at 100,000 clients once: the PK home's p95 doubled, and the CPU was the workers').
        catch_ups.append(wait_feeds_caught_up(stack.redis_url, timeout=120))
        print(f"portal: {size:,} clients loaded, {len(others):,} more of them enrolled, events settled; timing the "
              "pages", flush=True)
        portal = Portal(stack.portal_url, PK)
        for page, _ in PAGES:
            figures[page][size] = _timings(portal, page, region, requests_per_page, stack)
    rows = [{"page": page, **{f"{size:,} clients p50 / p95 ms": "{:.0f} / {:.0f}".format(*figures[page][size][:2])
                              for size in (small, large)},
             "p95 ratio": f"{figures[page][large][1] / figures[page][small][1]:.2f}",
             "stack CPU ms per page": " / ".join(f"{figures[page][size][2]:.0f}" for size in (small, large))}
            for page, _ in PAGES]
    notes = [f"the portal as `bapas run` serves it (gunicorn, its threads), calling klien, pokmas and bimbingan over "
             f"HTTP as the signed-in PK; one keep-alive connection, {requests_per_page} GETs per page one after another "
             "(a different client each for the client page), after 3 warm-up GETs; stack CPU: the CPU time of every "
             "process `bapas run` started (portal, services, workers, Redis) over those GETs, per GET, at each size",
             f"region: {len(OFFICES)} offices, {OTHER_PKS} PKs per office; the PK measured has the same {CASELOAD} "
             f"clients at both sizes, {len(region.scheduled_mine)} of them with a weekly schedule (about half due this "
             f"week), {CASELOAD_ENROLLED} enrolled, their programs meeting weekly ({marks} attendance "
             f"marks over 4 weeks, every seventh flagged for the PK); of the other clients {SCHEDULED:.0%} have a schedule "
             f"and {ENROLLED:.0%} an enrollment (through bimbingan's API, then its events settled)",
             "load: " + " / ".join(f"{rate:,.0f}" for rate in loads) + " clients/s (batches of klien's repository "
             "writes, fsync off while loading); events settled in " + " / ".join(f"{s:.0f}" for s in settle) + " s; "
             "then the workers' feed catch-ups read past them in " + " / ".join(f"{s:.0f}" for s in catch_ups) + " s",
             *(f"{page}, stack CPU ms per page by process at {small:,} / {large:,} clients: "
               + cpu_by_part(figures, page, (small, large)) for page, _ in PAGES)]
    return rows, notes, figures


def _enrolled_upto(region: Region, small: int, size: int) -> int:
    """Where this size's new other clients begin in region.others (the small size enrolls from the start)."""
    return 0 if size == small else small - CASELOAD


def _every(ids: list[str], share: float) -> list[str]:
    step = round(1 / share)
    return ids[::step]


def _enroll(bimbingan, programs: Programs, client_ids: list[str], start: date) -> dict[str, list[str]]:
    """Enrollments from `start` on; returns their ids by program."""
    made = {}
    for body in programs.bodies(client_ids):
        answer = bimbingan.post("/enrollments", json={**body, "start_date": start.isoformat()})
        if answer.status_code != 201:
            raise RuntimeError(f"POST /enrollments: {answer.status_code} {answer.text[:300]}")
        made.setdefault(body["program_id"], []).append(answer.json()["id"])
    return made


def _sessions_with_attendance(bimbingan, enrollments: dict[str, list[str]], today: date) -> int:
    """Each program of the PK's clients meets on Mondays: the last three weeks' and this week's sessions, all
    marked for the PK's clients (present, late, absent, excused in turn; every seventh mark flagged for the PK
    with a behaviour note). Returns how many marks. On a Monday before 09:00 this week's session has not
    started: it is scheduled, its attendance not recorded (bimbingan refuses marks before a session starts)."""
    monday = today - timedelta(days=today.weekday())
    marks = 0
    for program_id, enrollment_ids in enrollments.items():
        for weeks_ago in (3, 2, 1, 0):
            day = monday - timedelta(weeks=weeks_ago)
            answer = bimbingan.post("/sessions", json={"program_id": program_id, "starts_at": f"{day}T09:00:00",
                                                       "topic": "Bimbingan kelompok", "facilitator": "Ust. Ahmad",
                                                       "delivery": "in_person"})
            if answer.status_code != 201:
                raise RuntimeError(f"POST /sessions: {answer.status_code} {answer.text[:300]}")
            if clock.now() < datetime.combine(day, dt_time(9), tzinfo=clock.zone()):
                continue
            records = [{"enrollment_id": eid, "attendance": ("present", "late", "absent", "excused")[n % 4],
                        **({"pk_should_know": True, "behaviour_note": "Sering melamun"} if n % 7 == 0 else {})}
                       for n, eid in enumerate(enrollment_ids, start=weeks_ago)]
            answer = bimbingan.post(f"/sessions/{answer.json()['id']}/attendance", json={"records": records})
            if answer.status_code not in (200, 201):
                raise RuntimeError(f"POST attendance: {answer.status_code} {answer.text[:300]}")
            marks += len(records)
    return marks


def _check_in(klien, client_ids: list[str], today: date) -> None:
    for client_id in client_ids:
        answer = klien.post(f"/clients/{client_id}/check-ins", json={"date": today.isoformat(), "kind": "lapor_diri",
                                                                      "note": "datang tepat waktu"})
        if answer.status_code != 201:
            raise RuntimeError(f"POST check-in: {answer.status_code} {answer.text[:300]}")


def stack_cpu_seconds(stack) -> dict[str, float]:
    """CPU time used so far by the stack's processes, by part: each process `bapas run` started (the portal, each
    API and worker, the embedded Redis) with the processes it started in turn (a granian worker, Redis's AOF
    rewrite), as the stack names them ("portal-api", "klien-api", "klien-worker", ..., "redis"). A figure load on
    the machine does not inflate, unlike the answer times."""
    state = stack.state()
    names = {pid: name for name, pid in state["children"].items()}
    names[state.get("redis_pid")] = "redis"
    parents, ticks = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue                                   # the process ended meanwhile
        if int(fields[3]) == stack.process.pid:       # `bapas run` starts the stack in a session of its own
            pid = int(stat.parent.name)
            parents[pid], ticks[pid] = int(fields[1]), int(fields[11]) + int(fields[12])   # ppid; utime + stime
    parts: dict[str, float] = {}
    for pid, used in ticks.items():
        part = pid
        while part not in names and part in parents:
            part = parents[part]
        name = names.get(part, "supervisor")
        parts[name] = parts.get(name, 0) + used / os.sysconf("SC_CLK_TCK")
    return parts


def _timings(portal: Portal, page: str, region: Region, count: int, stack) -> tuple[float, float, float, dict]:
    """p50 and p95 ms, stack CPU ms per page and that CPU by part (`stack_cpu_seconds`)."""
    if page == "PK home":
        paths = ["/"] * (count + 3)
        # the due list, a partner's flagged feedback and this week's session: the caseload's enrollments were found
        expect = ("Laporan diri jatuh tempo", "Sering melamun", "Bimbingan kelompok")
    else:
        ids = region.caseload[::5][:count + 3]   # every fifth: the first CASELOAD_ENROLLED of them enrolled
        paths = [f"/klien/{client_id}" for client_id in ids]
        expect = ("Wajib lapor",)
    millis = [portal.time(path, expect) for path in paths[:3]]
    before = stack_cpu_seconds(stack)
    millis = [portal.time(path, expect) for path in paths[3:]]
    after = stack_cpu_seconds(stack)
    parts = {name: (used - before.get(name, 0)) * 1000 / len(millis) for name, used in after.items()}
    cuts = statistics.quantiles(millis, n=100, method="inclusive")
    return cuts[49], cuts[94], sum(parts.values()), parts


def cpu_by_part(figures: dict, page: str, sizes: tuple[int, int]) -> str:
    """"portal 34 / 33, klien-api 17 / 18, ...": a page's stack CPU per page at each size, by the stack's parts
    (those of a millisecond or more at either size), largest first."""
    small, large = (figures[page][size][3] for size in sizes)
    names = sorted({*small, *large}, key=lambda name: -max(small.get(name, 0), large.get(name, 0)))
    return ", ".join(f"{name} {small.get(name, 0):.0f} / {large.get(name, 0):.0f}" for name in names
                     if max(small.get(name, 0), large.get(name, 0)) >= 1)
