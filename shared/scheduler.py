"""Periodic tasks in the worker. A task runs at most once per period across all replicas
(a Redis key with the period as its TTL), so restarts and scaling neither skip nor repeat it;
each task must still be idempotent, because a crash can interrupt it half way."""
import logging
import threading
from dataclasses import dataclass
from typing import Callable

from shared.keys import BackboneKeys

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduledTask:
    name: str
    every_seconds: int
    run: Callable[[], object]


def run_due(client, service: str, tasks: list[ScheduledTask]) -> None:
    keys = BackboneKeys(service)
    for task in tasks:
        if not client.set(keys.schedule(task.name), "1", nx=True, ex=task.every_seconds):
            continue
        try:
            result = task.run()
            log.info("task %s.%s done: %s", service, task.name, result)
        except Exception:
            client.delete(keys.schedule(task.name))  # let the next tick try again
            log.exception("task %s.%s failed; will retry", service, task.name)


def run_forever(client, service: str, tasks: list[ScheduledTask], stop: threading.Event, tick: float = 1.0):
    while not stop.is_set():
        try:
            run_due(client, service, tasks)
        except Exception as exc:  # Redis down: keep ticking until it is back
            log.warning("scheduler %s: %s", service, exc)
        stop.wait(tick)
