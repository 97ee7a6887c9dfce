"""Event latency: from POST /enrollments answering 201 to klien's GET /clients/{id} showing the
enrollment in its guidance view (bimbingan outbox -> relay -> broker -> klien consumer -> view)."""
import statistics
import threading
import time

from bench import load
from bench.deploy import admin_token
from tests.support import faults_payloads as payloads
from tests.support.faults_backbone import wait_settled


def measure(stack, klien, bimbingan, programs, *, samples: int, background_rate: float, processes: int):
    """Returns (rows, figures): figures holds the idle and loaded p99 (ms) and the background writes/s achieved."""
    clients = [klien.created("/clients", payloads.client())["id"] for _ in range(2 * samples)]
    wait_settled(stack.redis_url, stack.broker_url, timeout=120)
    bodies = iter(programs.bodies(clients))
    idle = _samples(klien, bimbingan, bodies, samples)
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
    loaded = _samples(klien, bimbingan, bodies, samples)
    for thread in threads:
        thread.join()
    rows.append(_row(f"{background_rate:.0f} writes/s target", loaded, background))
    figures = {"idle_p99": _p99(idle), "loaded_p99": _p99(loaded),
               "achieved": sum(result.rate for result in background.values())}
    return rows, figures


def _p99(millis: list[float]) -> float:
    return statistics.quantiles(millis, n=100, method="inclusive")[98]


def _samples(klien, bimbingan, bodies, count: int) -> list[float]:
    found = []
    for _ in range(count):
        enrollment = bimbingan.created("/enrollments", next(bodies))
        written = time.perf_counter()
        client_path = f"/clients/{enrollment['client_id']}"
        while True:
            guidance = klien.get(client_path).json().get("guidance") or {}
            if any(e.get("enrollment_id") == enrollment["id"] for e in guidance.get("enrollments", [])):
                break
            if time.perf_counter() - written > 30:
                raise TimeoutError(f"enrollment {enrollment['id']} never reached klien's guidance view")
        found.append((time.perf_counter() - written) * 1000)
        time.sleep(0.02)
    return found


def _row(load_name: str, millis: list[float], background) -> dict:
    cuts = statistics.quantiles(millis, n=100, method="inclusive")
    achieved = (" + ".join(f"{result.rate:.0f}/s {kind}" for kind, result in background.items()) + " achieved"
                if background else "no other writes")
    return {"load": load_name, "samples": len(millis), "p50 ms": f"{cuts[49]:.1f}", "p95 ms": f"{cuts[94]:.1f}",
            "p99 ms": f"{cuts[98]:.1f}", "background": achieved}
