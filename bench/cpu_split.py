"""Where a write's CPU goes, across the machine: each process group's CPU seconds (from /proc) over a
window, per request answered in it.

On 2 cores a write's rate is bounded by all the CPU it costs, not only the API's: the relay and the
consumers applying its events, RabbitMQ, Redis and the load generator run on the same cores. The floor
costs its API, Redis and the load generator only. This is the decomposition issue 21 asks for when a
target is not met: it shows where the rest of the time goes."""
import os
from collections import Counter
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
GROUPS = ("API", "relay and consumers", "RabbitMQ", "Redis", "floor app", "load generator", "the rest",
          "stolen by the hypervisor")


def _group(command: str) -> str | None:
    if "bench.floor_app" in command:
        return "floor app"
    if "shared.http_server" in command or "gunicorn" in command or " serve " in f" {command} ":
        return "API"
    if "shared.cli worker" in command:
        return "relay and consumers"
    if "beam.smp" in command:
        return "RabbitMQ"
    if "redis-server" in command:
        return "Redis"
    return None


def _processes() -> dict[int, tuple[str | None, float]]:
    """pid -> (group, CPU seconds so far) for every process readable now."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(entry.name)] = (_group(command), (int(fields[11]) + int(fields[12])) / TICKS)
    return found


def _machine_busy() -> tuple[float, float]:
    """CPU seconds the whole machine spent busy (every core), and of those the ones the hypervisor gave
    another guest while this one had work (steal: on a shared host, the same code costs more in a run
    that has it), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / TICKS, values[7] / TICKS


class Window:
    """CPU seconds per process group between `start()` and `stop()`; what no named group took (the load
    generator, this process, the rest of the machine) is the machine's busy time minus theirs and minus
    the time stolen by the hypervisor (its own row). A process
    that ended inside the window is not counted in its group (it lands in the rest): the load generator's
    workers do, so `stop(load=...)` takes the CPU bench/load.py counted for them (LoadResult.cpu) out of
    the rest."""

    def start(self) -> "Window":
        self._before, self._busy = _processes(), _machine_busy()
        return self

    def stop(self, load: float = 0.0) -> Counter:
        after, busy = _processes(), _machine_busy()
        spent = Counter()
        for pid, (group, seconds) in after.items():
            if group is None:
                continue
            before = self._before.get(pid)
            spent[group] += seconds - (before[1] if before and before[0] == group else 0.0)
        stolen = busy[1] - self._busy[1]
        rest = busy[0] - self._busy[0] - stolen - sum(spent.values())
        spent["load generator"] = load
        spent["the rest"] = max(0.0, rest - load)
        spent["stolen by the hypervisor"] = stolen
        return spent


class Split:
    """Accumulates windows per target; `rows()` gives µs of CPU per answered request, per group."""

    def __init__(self):
        self.spent: dict[str, Counter] = {}
        self.answered: Counter = Counter()

    def add(self, target: str, spent: Counter, answered: int) -> None:
        self.spent.setdefault(target, Counter()).update(spent)
        self.answered[target] += answered

    def per_request(self, target: str) -> dict[str, float]:
        count = self.answered[target] or 1
        return {group: self.spent[target][group] / count * 1e6 for group in GROUPS}

    def rows(self) -> list[dict]:
        columns = {target: self.per_request(target) for target in self.spent}
        rows = [{"process": group, **{target: f"{values[group]:,.0f}" for target, values in columns.items()}}
                for group in GROUPS]
        rows.append({"process": "all (2 cores give 2,000,000 µs a second)",
                     **{target: f"{sum(values.values()):,.0f}" for target, values in columns.items()}})
        return rows
