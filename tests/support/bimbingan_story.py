"""The guidance story over the running stack, as users drive it through the three services' APIs,
and what klien's guidance view and pokmas's utilization view must show at the end."""
import random
import re
import uuid
from dataclasses import dataclass, field

from shared import broker
from shared.commands.replay import replay
from shared.config import Settings
from shared.feed import FeedReader, service_token
from shared.subscriptions import declared
from tests.support.client import ServiceClient
from tests.support.poll import eventually


GUIDANCE_COUNTS = ("active_enrollments", "completed_programs", "sessions_attended", "sessions_missed")


def tag() -> str:
    return uuid.uuid4().hex[:10]


def client_body(label: str) -> dict:
    return {"register_number": f"STORY-{label}-{tag()}", "name": f"Klien {label}", "supervision_type": "PB",
            "officer_id": "pk-story", "nik": "".join(random.choices("0123456789", k=16)),
            "birth_date": "1990-05-17", "sex": "L", "address": "Jl. Sudirman 10", "offence_category": "theft",
            "decree": {"number": f"PAS-{tag()}", "date": "2026-01-10"}, "supervision_start": "2026-01-15",
            "supervision_end": "2027-12-31", "bapas_office": "palembang"}


def group_body() -> dict:
    return {"name": f"Yayasan Story {tag()}", "legal_form": "yayasan", "address": "Jl. Kol. Atmo 5",
            "contact": "0711-000000", "bapas_office": "palembang"}


def agreement_body(group_id: str, capacities: list[int]) -> dict:
    return {"group_id": group_id, "number": f"PKS/{tag()}/2026", "signed_on": "2026-11-01",
            "valid_from": "2026-11-01", "valid_until": "2027-10-31",
            "programs": [{"name": f"Program {i}", "guidance_type": "kemandirian", "capacity": capacity}
                         for i, capacity in enumerate(capacities)]}


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, f"{response.request.method} {response.url}: {response.text}"
    return response.json()


@dataclass
class Guidance:
    program: str
    outcome: str = "open"      # open | completed | withdrawn
    attended: int = 0
    missed: int = 0


@dataclass
class Story:
    """Program 0 (capacity 3): Ani, Budi, Citra; program 1 (capacity 2): Ani. Four sessions of program 0."""
    admin: object
    partner: ServiceClient
    agreement: dict
    programs: list[str]
    clients: dict[str, str]
    enrollments: dict[tuple[str, str], str] = field(default_factory=dict)
    sessions: list[str] = field(default_factory=list)
    expected: dict[tuple[str, str], Guidance] = field(default_factory=dict)

    @classmethod
    def begin(cls, admin, tokens) -> "Story":
        group = admin.pokmas.created("/groups", group_body())
        agreement = admin.pokmas.created("/agreements", agreement_body(group["id"], [3, 2]))
        ok(admin.pokmas.post(f"/agreements/{agreement['id']}/activate"))
        clients = {name: admin.klien.created("/clients", client_body(name))["id"] for name in ("ani", "budi", "citra")}
        partner = ServiceClient(admin.bimbingan.base_url, tokens("partner", "story-partner", group_id=group["id"]))
        return cls(admin, partner, agreement, [p["id"] for p in agreement["programs"]], clients)

    def enroll(self, name: str, program: int) -> None:
        """Right after the client and the agreement were created: freshness must accept them."""
        body = {"client_id": self.clients[name], "program_id": self.programs[program]}
        self.enrollments[name, program] = self.admin.bimbingan.created("/enrollments", body)["id"]
        self.expected[name, program] = Guidance(self.programs[program])

    def schedule(self, count: int) -> None:
        for week in range(count):
            self.sessions.append(self.admin.bimbingan.created("/sessions", {
                "program_id": self.programs[0], "starts_at": f"2026-12-{week * 7 + 1:02d}T02:00:00Z",
                "topic": f"Week {week}", "facilitator": "Ustadz Hasan", "delivery": "in_person"})["id"])

    def attend(self, session: int, marks: dict[str, str]) -> None:
        """The partner group records attendance for its own session."""
        records = [{"enrollment_id": self.enrollments[name, 0], "attendance": mark, "note": "on time"}
                   for name, mark in marks.items()]
        ok(self.partner.post(f"/sessions/{self.sessions[session]}/attendance", json={"records": records}))
        for name, mark in marks.items():
            self.expected[name, 0].attended += mark in ("present", "late")
            self.expected[name, 0].missed += mark == "absent"

    def complete(self, name: str, program: int) -> None:
        ok(self.admin.bimbingan.post(f"/enrollments/{self.enrollments[name, program]}/complete",
                                     json={"outcome": "achieved", "summary": "finished the course"}))
        self.expected[name, program].outcome = "completed"

    def revoke(self, name: str) -> None:
        ok(self.admin.klien.post(f"/clients/{self.clients[name]}/status",
                                 json={"status": "revoked", "reason": "new offence", "effective_date": "2026-11-28"}))
        self.ended(lambda key: key[0] == name)

    def suspend(self) -> None:
        ok(self.admin.pokmas.post(f"/agreements/{self.agreement['id']}/suspend", json={"reason": "audit"}))
        self.ended(lambda key: True)

    def ended(self, concerned) -> None:
        for key, guidance in self.expected.items():
            if concerned(key) and guidance.outcome == "open":
                guidance.outcome = "withdrawn"

    def play(self, midway=lambda story: None, after_revocation=lambda story: None) -> None:
        self.enroll("ani", 0)
        self.enroll("budi", 0)
        self.enroll("citra", 0)
        self.enroll("ani", 1)
        self.schedule(4)
        self.attend(0, {"ani": "present", "budi": "absent", "citra": "present"})
        midway(self)
        self.attend(1, {"ani": "late", "budi": "absent", "citra": "excused"})
        self.attend(2, {"ani": "absent", "budi": "absent", "citra": "present"})
        self.attend(1, {"citra": "present"})  # corrected: replaces the earlier mark
        self.complete("citra", 0)
        self.complete("ani", 1)
        self.revoke("budi")
        after_revocation(self)
        self.attend(3, {"ani": "present"})

    def check_bimbingan(self) -> None:
        budi = ok(self.admin.bimbingan.get(f"/enrollments/{self.enrollments['budi', 0]}"))
        assert budi["attention_required"] and budi["consecutive_absences"] == 3
        attention = [e for e in self.bimbingan_events() if e["type"] == "bimbingan.enrollment.attention_required"
                     and e["subject"] == budi["id"]]
        assert len(attention) == 1
        eventually(lambda: self._enrollments_match(), timeout=20)

    def _enrollments_match(self) -> bool:
        for (name, program), guidance in self.expected.items():
            body = ok(self.admin.bimbingan.get(f"/enrollments/{self.enrollments[name, program]}"))
            status = {"open": "enrolled"}.get(guidance.outcome, guidance.outcome)
            assert (body["status"], body["sessions_attended"], body["sessions_missed"]) == (
                status, guidance.attended, guidance.missed), (name, program, body)
        return True

    def bimbingan_events(self) -> list[dict]:
        items, after = [], None
        while True:
            page = ok(self.admin.bimbingan.get("/events", params={"limit": 1000, **({"after": after} if after else {})}))
            items += page["items"]
            after = page["next_after"]
            if after is None:
                return items

    def expected_guidance(self, name: str) -> dict:
        mine = [(key, g) for key, g in self.expected.items() if key[0] == name]
        status = {"open": "enrolled"}
        return {"active_enrollments": sum(g.outcome == "open" for _, g in mine),
                "completed_programs": sum(g.outcome == "completed" for _, g in mine),
                "sessions_attended": sum(g.attended for _, g in mine),
                "sessions_missed": sum(g.missed for _, g in mine),
                "enrollments": sorted((self.enrollments[key], g.program, self.agreement["group_id"],
                                       status.get(g.outcome, g.outcome)) for key, g in mine)}

    def expected_utilization(self, program: int) -> dict:
        mine = [g for (_, p), g in self.expected.items() if p == program]
        return {"enrolled": len(mine), "active": sum(g.outcome == "open" for g in mine),
                "completed": sum(g.outcome == "completed" for g in mine),
                "withdrawn": sum(g.outcome == "withdrawn" for g in mine)}

    def views_are_exact(self) -> bool:
        for name, client_id in self.clients.items():
            guidance = ok(self.admin.klien.get(f"/clients/{client_id}"))["guidance"]
            entries = sorted((e["enrollment_id"], e["program_id"], e["group_id"], e["status"])
                             for e in guidance["enrollments"])
            actual = {**{k: guidance[k] for k in GUIDANCE_COUNTS}, "enrollments": entries}
            expected = self.expected_guidance(name)
            assert actual == expected, (name, actual, expected)
        agreement = ok(self.admin.pokmas.get(f"/agreements/{self.agreement['id']}"))
        for index, program in enumerate(agreement["programs"]):
            assert program["id"] == self.programs[index]
            actual = {k: program["utilization"][k] for k in ("enrolled", "active", "completed", "withdrawn")}
            assert actual == self.expected_utilization(index), (index, actual, self.expected_utilization(index))
        return True

    def wait_for_exact_views(self, timeout: float = 30) -> None:
        eventually(self.views_are_exact, timeout=timeout, interval=0.2)


def _handled_types(name: str) -> set[str]:
    return set(declared(name))


def redeliver_everything(stack) -> dict[str, int]:
    """Deliver every event the services published once more to every consumer's queue (oldest first,
    so each consumer also sees older states after newer ones). Returns how many each queue got."""
    settings = Settings(region=stack.region, jwt_secret=stack.jwt_secret)
    sent = {}
    with broker.connect(stack.broker_url) as connection:
        for consumer in ("klien", "pokmas", "bimbingan"):
            types = _handled_types(consumer)
            sent[consumer] = 0
            for source in ("klien", "pokmas", "bimbingan"):
                wanted = {t for t in types if t.startswith(source + ".")}
                if wanted:
                    reader = FeedReader(stack.url(source), service_token(settings, "story"), timeout=10)
                    sent[consumer] += replay(reader, connection, queue=f"{consumer}.events", after=None,
                                             types=wanted)
    return sent


def processed(client: ServiceClient, service_name: str) -> int:
    """Deliveries the service's consumer has finished with, however they ended."""
    text = client.get("/metrics").text
    total = 0
    for name in ("consumed", "duplicates", "stale", "dead_lettered"):
        match = re.search(rf'^bapas_events_{name}_total{{service="{service_name}"}} (\S+)$', text, re.M)
        total += int(float(match.group(1))) if match else 0
    return total
