"""Wajib lapor on the running stack: a client misses three reports and is flagged by klien's worker,
then reports and is cleared by the PK, with the events integrators see along the way and laporan's
monthly figures counting each kept and missed due date once.

The stack's clock is moved by its BAPAS_CLOCK_FILE (weeks pass in seconds), so this story runs on a
stack of its own and not against the compose stack, which keeps the real clock."""
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from shared import clock
from tests.support.client import ServiceClient, token
from tests.support.klien_data import client_body
from tests.support.local_stack import LocalStack
from tests.support.poll import eventually

REPORTING_TYPES = ("klien.reporting.scheduled", "klien.checkin.recorded", "klien.reporting.missed",
                   "klien.client.attention_required", "klien.client.attention_cleared")


@pytest.fixture(scope="module")
def moving_stack(request, tmp_path_factory):
    if request.config.getoption("--stack") == "compose":
        pytest.skip("the compose stack keeps the real clock; this story moves the stack's clock by file")
    clock_file = tmp_path_factory.mktemp("clock") / "days"
    stack = LocalStack(extra_env={"BAPAS_CLOCK_FILE": str(clock_file), "KLIEN_REPORTING_INTERVAL_SECONDS": "1"})
    yield stack.start(), clock_file
    stack.cleanup()


class Story:
    def __init__(self, stack: LocalStack, clock_file: Path):
        self.clock_file = clock_file
        self.start = clock.today()                   # the stack's today before the clock moves (same zone)
        keys = {"secret": stack.jwt_secret, "region": stack.region}
        self.pk = ServiceClient(stack.klien_url, token("officer", "pk-ani", **keys))
        self.integrator = ServiceClient(stack.klien_url, token("auditor", "siswa", **keys))
        self.laporan = ServiceClient(stack.laporan_url, token("auditor", "siswa", **keys))

    def day(self, n: int) -> str:
        return (self.start + timedelta(days=n)).isoformat()

    def days_pass(self, n: int) -> None:
        self.clock_file.write_text(str(n))

    def client(self) -> dict:
        return self.pk.get(f"/clients/{self.client_id}").json()

    def events(self) -> list[dict]:
        items, after = [], None
        while True:
            page = self.integrator.get("/events", params={"limit": 1000, **({"after": after} if after else {})}).json()
            items += page["items"]
            after = page["next_after"]
            if after is None:
                return [e for e in items if e["type"] in REPORTING_TYPES and e["data"]["client_id"] == self.client_id]

    def monthly_reporting(self, *days: str) -> dict:
        """laporan's wajib lapor figures for the office, summed over the months of `days`."""
        months = sorted({day[:7] for day in days})
        figures = [self.laporan.get("/reports/monthly", params={"month": m, "bapas_office": "palembang"}).json()
                   for m in months]
        return {k: sum(f["reporting"][k] for f in figures) for k in ("kept", "missed")}

    def flagged(self) -> set[str]:
        return {c["id"] for c in self.pk.get("/clients", params={"attention": "true"}).json()["items"]}


def test_a_client_misses_three_reports_is_flagged_then_reports_and_is_cleared(moving_stack):
    story = Story(*moving_stack)
    story.client_id = story.pk.created("/clients", client_body(supervision_end="2030-12-31"))["id"]
    schedule = story.pk.request("PUT", f"/clients/{story.client_id}/reporting",
                                json={"frequency": "weekly", "first_due": story.day(1)})
    assert schedule.status_code == 200, schedule.text
    assert [d["date"] for d in schedule.json()["items"][:3]] == [story.day(1), story.day(8), story.day(15)]

    story.days_pass(19)                              # three due dates pass, the last one's grace too
    summary = eventually(lambda: story.client()["reporting"]["attention_required"] and story.client()["reporting"],
                         timeout=30, interval=0.5)
    assert (summary["missed"], summary["run"], summary["next_due"]) == (3, 3, story.day(22))
    assert story.client_id in story.flagged()
    missed = [e for e in story.events() if e["type"] == "klien.reporting.missed"]
    assert [e["data"]["due_date"] for e in missed] == [story.day(1), story.day(8), story.day(15)]
    [raised] = [e for e in story.events() if e["type"] == "klien.client.attention_required"]
    assert raised["data"]["due_dates"] == [story.day(1), story.day(8), story.day(15)]

    key = str(uuid.uuid4())                          # the PK's phone sends the check-in twice
    sent = [story.pk.post(f"/clients/{story.client_id}/check-ins", headers={"Idempotency-Key": key},
                          json={"date": story.day(19), "kind": "lapor_diri", "note": "Datang bersama istri"})
            for _ in range(2)]
    assert [r.status_code for r in sent] == [201, 201] and sent[0].json() == sent[1].json()
    assert sent[0].json()["kept_due"] == story.day(22)
    assert story.client()["reporting"]["run"] == 0 and story.client_id in story.flagged()

    cleared = story.pk.post(f"/clients/{story.client_id}/attention/clear",
                            json={"note": "Klien sakit tiga minggu; surat dokter diterima"})
    assert cleared.status_code == 200, cleared.text
    assert story.client()["reporting"]["attention_required"] is False
    assert story.client_id not in story.flagged()
    kinds = [e["type"] for e in eventually(lambda: len(story.events()) == 7 and story.events())]
    assert kinds == ["klien.reporting.scheduled", *["klien.reporting.missed"] * 3, "klien.client.attention_required",
                     "klien.checkin.recorded", "klien.client.attention_cleared"]
    assert not any("note" in e["data"] or "Datang" in str(e) or "dokter" in str(e) for e in story.events())
    assert [e["data"]["reporting_version"] for e in story.events()] == list(range(1, 8))
    assert len({e["subject"] for e in story.events()}) == 1 + 3 + 1      # the record, three due dates, a check-in
    days = (story.day(1), story.day(8), story.day(15), story.day(22))
    eventually(lambda: story.monthly_reporting(*days) == {"kept": 1, "missed": 3}, timeout=30, interval=0.5)
