"""Issue 21's targets, each with the figure this run measured and "met" / "not met"."""
from dataclasses import dataclass, field

# The portal's pages (bench/portal.py): a person waits for them, one at a time. 200 ms at p95 is well under
# the ~1 s a page may take before it feels slow, on this 2-core machine where the portal, three services, their
# workers and Redis share the cores; flat: the region's size may cost at most 1.5 x (a PK's page depends on
# its own caseload, not on the region's other clients).
PORTAL_P95_MS = 200
PORTAL_FLAT = 1.5


@dataclass
class Targets:
    rows: list[dict] = field(default_factory=list)

    def check(self, target: str, figure: str, met: bool) -> None:
        self.rows.append({"target": target, "measured": figure, "result": "met" if met else "not met"})

    def unmeasured(self, target: str, why: str) -> None:
        self.rows.append({"target": target, "measured": why, "result": "not measured"})

    def writes(self, rates: dict[str, float]) -> None:
        floor = rates["floor"]
        for name, path in (("clients", "POST /clients"), ("enrollments", "POST /enrollments")):
            ratio = rates[name] / floor if floor else 0.0
            figure = f"{rates[name]:.0f} req/s, {ratio:.2f} of the floor ({floor:.0f} req/s)"
            self.check(f"{path} at 0.8 of the floor, same worker processes", figure, ratio >= 0.8)
            self.check(f"{path} at 0.5 of the floor at least", figure, ratio >= 0.5)

    def latency(self, idle_p99: float, loaded_p99: float, achieved: float, idle_api_p99: float,
                loaded_api_p99: float) -> None:
        self.check("event latency p99 idle <= 15 ms", f"{idle_p99:.1f} ms (shown by klien's GET: {idle_api_p99:.1f})",
                   idle_p99 <= 15)
        self.check("event latency p99 at ~300 writes/s <= 50 ms", f"{loaded_p99:.1f} ms (shown by klien's GET: "
                   f"{loaded_api_p99:.1f}; {achieved:.0f} writes/s achieved)", loaded_p99 <= 50)

    def backbone(self, transport: str, relay: float, raw_publish: float, consumer: float, raw_consume: float) -> None:
        if transport == "RabbitMQ":
            self.check("consumer on RabbitMQ >= 3,000 events/s", f"{consumer:.0f} events/s "
                       f"(raw kombu, ack only: {raw_consume:.0f})", consumer >= 3000)
        else:
            self.check("consumer on the Redis transport >= raw kombu", f"{consumer:.0f} vs {raw_consume:.0f} "
                       f"events/s ({consumer / raw_consume:.2f} x)", consumer >= raw_consume)
            self.check("relay on the Redis transport >= 1.5 x raw kombu", f"{relay:.0f} vs {raw_publish:.0f} msg/s "
                       f"({relay / raw_publish:.2f} x)", relay >= 1.5 * raw_publish)

    def sustained(self, figures: dict) -> None:
        # "held" means every write answered 201: a refusal (a full store's 503) is a rate not held
        refused = sum(count for status, count in figures["statuses"].items() if status != 201)
        self.check(f"sustained: {figures['seconds']:.0f} s of POST /enrollments at the highest rate the API holds, "
                   "every guidance view current within 1 s at the end",
                   f"{figures['rate']:.0f} req/s held, {figures['enrollments']:,} enrollments"
                   + (f", {refused:,} answers not 201" if refused else "")
                   + f"; views current {figures['lag']:.2f} s after the last answer",
                   figures["lag"] <= 1.0 and not refused)

    def laporan(self, json_median_ms: float) -> None:
        self.check("laporan monthly report, 5,000 clients / 100,000 marks, < 100 ms (JSON)",
                   f"median {json_median_ms:.1f} ms", json_median_ms < 100)

    def portal(self, figures: dict, small: int, large: int) -> None:
        """figures[page][size] = (p50, p95, ...) in ms, for the pages "PK home" and "client page"."""
        for page, name in (("PK home", "portal PK home"), ("client page", "portal client page")):
            p95_small, p95_large = figures[page][small][1], figures[page][large][1]
            ratio = p95_large / p95_small
            self.check(f"{name} p95 at {large:,} clients <= {PORTAL_P95_MS} ms, within {PORTAL_FLAT} x of "
                       f"{small:,}", f"{p95_large:.0f} ms ({p95_small:.0f} ms at {small:,}: {ratio:.2f} x)",
                       p95_large <= PORTAL_P95_MS and ratio <= PORTAL_FLAT)

    def metrics_across_workers(self, figures: dict) -> None:
        """bench/workers.py: `bapas serve klien` with 2 workers, every scrape of /metrics counts every request."""
        counted = figures["counted"]
        seen = f"{figures['workers']} workers counted" if figures["workers"] else "workers' files not seen"
        self.check("2 HTTP workers per service, /metrics whole across them (prometheus-client multiprocess)",
                   f"{figures['sent']} requests sent; {len(counted)} scrapes counted "
                   f"{', '.join(sorted({f'{c:.0f}' for c in counted}))} ({seen})",
                   all(c == figures["sent"] for c in counted) and (figures["workers"] or 0) >= 2)
