"""Sustained writes: POST /enrollments at the highest rate the API holds for a while (60 s in the full
run), then how long after the last answer every client's guidance view in klien shows its enrollment
(target: within 1 s, i.e. the consumers kept up)."""
import time

import redis as redis_lib

from bench import load
from bench.deploy import admin_token
from services.klien import keys as klien_keys
from tests.support.faults_backbone import wait_settled


def measure(stack, programs, *, seconds: float, expected_rate: float, processes: int, threads: int) -> dict:
    """Returns rate (req/s achieved), seconds (the load's length), lag (s from the load's end until every
    view is current), and statuses."""
    token = admin_token(stack)
    clients = _clients(stack, token, int(max(expected_rate, 50) * seconds * 1.5), processes, threads)
    wait_settled(stack.redis_url, stack.broker_url, timeout=300)
    result = load.run(stack.bimbingan_url, "/enrollments", token, "enrollment", seconds=seconds, processes=processes,
                      threads=threads, bodies=programs.bodies(clients))
    ended = time.monotonic()
    current = _wait_current(redis_lib.Redis.from_url(stack.redis_url), clients, len(result.created), timeout=120)
    return {"rate": result.rate, "seconds": result.seconds, "lag": current - ended, "statuses": result.statuses,
            "enrollments": len(result.created)}


def _clients(stack, token: str, wanted: int, processes: int, threads: int) -> list[str]:
    """Enough registered clients for one enrollment each (more than the load can use)."""
    made: list[str] = []
    while len(made) < wanted:
        made += load.run(stack.klien_url, "/clients", token, "client", seconds=5, processes=processes,
                         threads=threads).created
    return made


def _wait_current(client, clients: list[str], enrollments: int, timeout: float) -> float:
    """The moment the guidance views hold `enrollments` entries in all (each client has at most one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with client.pipeline(transaction=False) as pipe:
            for client_id in clients:
                pipe.hlen(klien_keys.guidance(client_id))
            if sum(pipe.execute()) >= enrollments:
                return time.monotonic()
        time.sleep(0.05)
    raise TimeoutError(f"the guidance views did not show {enrollments} enrollments within {timeout}s")
