"""A load generator that is not the bottleneck: several processes, each with keep-alive
connections (http.client) in threads, posting JSON bodies for a fixed time or at a fixed rate."""
import http.client
import json
import multiprocessing
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.support import faults_payloads as payloads


@dataclass
class LoadResult:
    ok: int = 0
    failed: int = 0
    seconds: float = 0.0
    created: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


def run(url: str, path: str, token: str, kind: str, *, seconds: float, processes: int = 2, threads: int = 8,
        bodies: list | None = None, rate: float | None = None) -> LoadResult:
    """POST `kind` bodies (see payloads.make) for `seconds`; with `bodies`, post exactly those (split
    between the senders) and stop when they are used up. `rate` paces the total requests per second."""
    senders = processes * threads
    shares = [bodies[i::senders] for i in range(senders)] if bodies is not None else [None] * senders
    per_sender_rate = rate / senders if rate else None
    jobs = [(url, path, token, kind, seconds, shares[p * threads:(p + 1) * threads], per_sender_rate)
            for p in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        return _merged(pool.map(_process, jobs))


def _merged(parts: list[LoadResult]) -> LoadResult:
    """Senders ran side by side: counts add up, the time is the longest sender's."""
    total = LoadResult()
    for part in parts:
        total.ok += part.ok
        total.failed += part.failed
        total.seconds = max(total.seconds, part.seconds)
        total.created.extend(part.created)
        for status, count in part.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + count
    return total


def _process(job) -> LoadResult:
    url, path, token, kind, seconds, shares, rate = job
    results = [LoadResult() for _ in shares]
    start = time.monotonic()
    workers = [threading.Thread(target=_sender, args=(url, path, token, kind, start + seconds, share, rate, result))
               for share, result in zip(shares, results)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return _merged(results)


def _sender(url, path, token, kind, deadline, share, rate, result: LoadResult) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    start = time.monotonic()
    bodies = iter(share) if share is not None else None
    sent = 0
    while time.monotonic() < deadline:
        body = next(bodies, None) if bodies is not None else payloads.make(kind)
        if body is None:
            break
        if rate:
            _pace(start + sent / rate, deadline)
        sent += 1
        try:
            connection.request("POST", path, body=json.dumps(body), headers=headers)
            response = connection.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException):
            result.failed += 1
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            continue
        result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
        if 200 <= response.status < 300:
            result.ok += 1
            result.created.append(json.loads(answer).get("id"))
        else:
            result.failed += 1
    result.seconds = time.monotonic() - start
    connection.close()


def _pace(when: float, deadline: float) -> None:
    delay = min(when, deadline) - time.monotonic()
    if delay > 0:
        time.sleep(delay)
