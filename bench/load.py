"""A load generator that is not the bottleneck: several worker processes (bench/load_worker.py), each one
event loop over its keep-alive connections, one request in flight per connection, posting JSON bodies for
a fixed time or at a fixed rate. The workers run on the cores the servers run on, so they cost as little
as they can: `python -S -m bench.load_worker` imports only the standard library and the payloads (a
multiprocessing "spawn" child would import the caller's whole main module again, about 0.7 s of CPU per
process under `python -m bench`); a worker stays for the caller's next run (it ends when the caller does,
its stdin closed), so a burst pays no start; and each request is a few µs of Python (see the worker)."""
import atexit
import contextlib
import json
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_idle: list[subprocess.Popen] = []  # workers between runs
_idle_lock = threading.Lock()         # runs may overlap (bench/latency.py runs two at once)


@dataclass
class LoadResult:
    ok: int = 0
    failed: int = 0
    seconds: float = 0.0
    created: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    cpu: float = 0.0  # CPU seconds (user + system) the worker processes took for this run

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


def run(url: str, path: str, token: str, kind: str, *, seconds: float, processes: int = 2, threads: int = 8,
        bodies: list | None = None, rate: float | None = None) -> LoadResult:
    """POST `kind` bodies (see payloads.make) for `seconds`; with `bodies`, post exactly those (split
    between the senders) and stop when they are used up. `rate` paces the total requests per second.
    `threads` is the number of connections (senders) per process, each with one request in flight."""
    senders = processes * threads
    shares = [bodies[i::senders] for i in range(senders)] if bodies is not None else [None] * senders
    per_sender_rate = rate / senders if rate else None
    workers = _taken(processes)
    try:
        for p, worker in enumerate(workers):
            job = [url, path, token, kind, seconds, shares[p * threads:(p + 1) * threads], per_sender_rate]
            worker.stdin.write(json.dumps(job).encode() + b"\n")
            worker.stdin.flush()
        result = _merged([_collected(worker) for worker in workers])
    except BaseException:
        for worker in workers:
            worker.kill()
            worker.wait()
            with contextlib.suppress(OSError):
                worker.stdin.close()
            worker.stdout.close()
        raise
    with _idle_lock:
        _idle.extend(workers)
    return result


def _taken(count: int) -> list[subprocess.Popen]:
    """`count` workers: idle ones, and new ones for the rest."""
    with _idle_lock:
        taken = [_idle.pop() for _ in range(min(count, len(_idle)))]
    return taken + [subprocess.Popen([sys.executable, "-S", "-m", "bench.load_worker"], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
                    for _ in range(count - len(taken))]


def _collected(worker: subprocess.Popen) -> LoadResult:
    """A worker's result for its job, with the CPU it took for it (from its own rusage)."""
    line = worker.stdout.readline()
    if not line:
        raise RuntimeError(f"a load worker (python -m bench.load_worker) ended with {worker.wait()}")
    found = json.loads(line)
    found["statuses"] = {int(status): count for status, count in found["statuses"].items()}
    return LoadResult(**found)


@atexit.register
def _stop_idle() -> None:
    with _idle_lock:
        for worker in _idle:
            worker.stdin.close()  # the worker ends at the end of its input
        for worker in _idle:
            worker.wait()
            worker.stdout.close()
        _idle.clear()


def _merged(parts: list[LoadResult]) -> LoadResult:
    """Senders ran side by side: counts add up, the time is the longest sender's."""
    total = LoadResult()
    for part in parts:
        total.ok += part.ok
        total.failed += part.failed
        total.seconds = max(total.seconds, part.seconds)
        total.created.extend(part.created)
        total.cpu += part.cpu
        for status, count in part.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + count
    return total
