"""Write throughput of POST /clients and POST /enrollments against the floor, in alternating rounds."""
import statistics

from bench import load
from bench.aof import Rewrites
from bench.cpu_split import Split, Window
from bench.deploy import admin_token
from bench.fixtures import Programs
from tests.support.faults_backbone import wait_settled


def measure(stack, floor_url: str, pokmas, *, rounds: int, seconds: float, processes: int, threads: int):
    """Returns (rows, notes, programs, medians, split): req/s per target (median of rounds) and the ratio to
    the floor; medians maps floor / clients / enrollments to req/s; split (bench/cpu_split.py) holds each
    process group's CPU per request, during the bursts and until their events were applied."""
    token = admin_token(stack)
    programs = Programs(pokmas)
    notes = [programs.note] if programs.note else []
    rates = {"floor": [], "clients": [], "enrollments": []}
    statuses = {name: {} for name in rates}

    split = Split()
    rewrites = Rewrites(stack.redis_url)

    def timed(name, run, settle=False):
        """Run one burst, its CPU split by process; with `settle`, also until its events are applied."""
        rewrites.before_burst()
        window = Window().start()
        result = run()
        split.add(f"{name}: burst", window.stop(load=result.cpu), result.ok)
        if settle:
            wait_settled(stack.redis_url, stack.broker_url, timeout=120)
            split.add(f"{name}: burst + its events applied", window.stop(load=result.cpu), result.ok)
        return record(name, result)

    def record(name, result):
        rates[name].append(result.rate)
        for status, count in result.statuses.items():
            statuses[name][status] = statuses[name].get(status, 0) + count
        return result

    load.run(floor_url, "/things", token, "floor", seconds=1, processes=processes, threads=threads)  # warm-up
    for _ in range(rounds):
        timed("floor", lambda: load.run(floor_url, "/things", token, "floor", seconds=seconds,
                                        processes=processes, threads=threads))
        made = timed("clients", lambda: load.run(stack.klien_url, "/clients", token, "client", seconds=seconds,
                                                 processes=processes, threads=threads), settle=True)
        timed("enrollments", lambda: load.run(stack.bimbingan_url, "/enrollments", token, "enrollment",
                                              seconds=seconds, processes=processes, threads=threads,
                                              bodies=programs.bodies(made.created)), settle=True)
    notes.append(rewrites.note())
    medians = {name: statistics.median(values) for name, values in rates.items()}
    floor = medians["floor"]
    rows = []
    for name, path in (("floor", "POST /things (floor)"), ("clients", "POST /clients"),
                       ("enrollments", "POST /enrollments")):
        rate = medians[name]
        rows.append({"what": path, "req/s": f"{rate:.0f}", "ratio to floor": f"{rate / floor:.2f}",
                     "answers": _statuses(statuses[name])})
    return rows, notes, programs, medians, split


def _statuses(counts: dict) -> str:
    return " ".join(f"{status}x{count}" for status, count in sorted(counts.items()))
