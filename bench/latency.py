"""Event latency: from POST /enrollments answering 201 to the enrollment being in klien's guidance view
(bimbingan outbox -> relay -> broker -> klien consumer -> view), then shown by klien's GET /clients/{id}.

The view is watched in klien's store (an HEXISTS every POLL_SECONDS: a few µs of Redis each, and no
busy loop taking a core from the path it measures): that is when the event's effect is committed and
every later read shows it; the figure is at most POLL_SECONDS late. Polling GET /clients/{id} in a tight loop
instead measured the poll as much as the event: each GET under load took 10 to 20 ms, so the answer
that first showed it came up to two GETs after the commit, and the loop's own GETs took a core's worth
of klien's and the bench's CPU from the path it measured. One GET after the view has it checks that
klien's API shows it, and its time is reported beside (the latency a client polling the API would see,
less its polling interval).

The bench's own full garbage collections (20 to 90 ms in traces, its heap holds the earlier sections' results)
fell inside samples they have nothing to do with: what is allocated before the samples is frozen (gc.freeze)
while they are taken."""
import gc
import statistics
import threading
import time

import redis as redis_lib

from bench import load
from bench.aof import Rewrites
from bench.deploy import admin_token
from services.klien import keys as klien_keys
from tests.support import faults_payloads as payloads
from tests.support.faults_backbone import wait_feeds_caught_up, wait_settled

POLL_SECONDS = 0.0005


def measure(stack, klien, bimbingan, programs, *, samples: int, background_rate: float, processes: int):
    """Returns (rows, figures): figures holds the idle and loaded p99 (ms) to the view, the same through
    klien's API, and the background writes/s achieved."""
    clients = [klien.created("/clients", payloads.client())["id"] for _ in range(2 * samples)]
    wait_settled(stack.redis_url, stack.broker_url, timeout=120)
    # "Idle" is idle: no feed catch-up still reading the write section's tens of thousands of events (every
    # worker, and the APIs serving the pages, for seconds), no AOF rewrite it left running.
    wait_feeds_caught_up(stack.redis_url, timeout=120)
    Rewrites(stack.redis_url).before_burst()
    bodies = iter(programs.bodies(clients))
    store = redis_lib.Redis.from_url(stack.redis_url)
    gc.collect()
    gc.freeze()
    try:
        return _measure(stack, klien, bimbingan, store, bodies, samples=samples, background_rate=background_rate,
                        processes=processes)
    finally:
        gc.unfreeze()


def _measure(stack, klien, bimbingan, store, bodies, *, samples: int, background_rate: float, processes: int):
    idle = _samples(store, klien, bimbingan, bodies, samples)
    rows = [_row("idle", idle, None)]
    background = {}
    seconds = samples * 0.06 + 5

    def run_background(url, path, kind):
        background[kind] = load.run(url, path, admin_token(stack), kind, seconds=seconds, processes=processes,
                                    threads=4, rate=background_rate / 2)

    threads = [threading.Thread(target=run_background, args=args)
               for args in ((stack.klien_url, "/clients", "client"), (stack.pokmas_url, "/groups", "group"))]
    for thread in threads:
        thread.start()
    time.sleep(2)  # the senders' processes start and reach their pace
    loaded = _samples(store, klien, bimbingan, bodies, samples)
    for thread in threads:
        thread.join()
    rows.append(_row(f"{background_rate:.0f} writes/s target", loaded, background))
    figures = {"idle_p99": _p99(idle[0]), "loaded_p99": _p99(loaded[0]), "idle_api_p99": _p99(idle[1]),
               "loaded_api_p99": _p99(loaded[1]), "achieved": sum(result.rate for result in background.values())}
    return rows, figures


def _p99(millis: list[float]) -> float:
    return statistics.quantiles(millis, n=100, method="inclusive")[98]


def _samples(store, klien, bimbingan, bodies, count: int) -> tuple[list[float], list[float]]:
    """(ms to the view, ms until klien's API showed it) per sample."""
    to_view, to_api = [], []
    for _ in range(count):
        enrollment = bimbingan.created("/enrollments", next(bodies))
        written = time.perf_counter()
        view = klien_keys.guidance(enrollment["client_id"])
        while not store.hexists(view, enrollment["id"]):
            if time.perf_counter() - written > 30:
                raise TimeoutError(f"enrollment {enrollment['id']} never reached klien's guidance view")
            time.sleep(POLL_SECONDS)
        to_view.append((time.perf_counter() - written) * 1000)
        guidance = klien.get(f"/clients/{enrollment['client_id']}").json().get("guidance") or {}
        if not any(e.get("enrollment_id") == enrollment["id"] for e in guidance.get("enrollments", [])):
            raise AssertionError(f"klien's view has enrollment {enrollment['id']}, its GET /clients/{{id}} does not")
        to_api.append((time.perf_counter() - written) * 1000)
        time.sleep(0.02)
    return to_view, to_api


def _row(load_name: str, samples: tuple[list[float], list[float]], background) -> dict:
    millis, through_api = samples
    cuts = statistics.quantiles(millis, n=100, method="inclusive")
    api = statistics.quantiles(through_api, n=100, method="inclusive")
    achieved = (" + ".join(f"{result.rate:.0f}/s {kind}" for kind, result in background.items()) + " achieved"
                if background else "no other writes")
    return {"load": load_name, "samples": len(millis), "p50 ms": f"{cuts[49]:.1f}", "p95 ms": f"{cuts[94]:.1f}",
            "p99 ms": f"{cuts[98]:.1f}", "shown by GET: p50 / p99 ms": f"{api[49]:.1f} / {api[98]:.1f}",
            "background": achieved}
