"""A month of activity driven through klien, pokmas and bimbingan's APIs, and the monthly report
counted again from those owners' own endpoints, to hold laporan's figures against.

Activity is in the previous calendar month (WIB), so every session has already started; completions
and the reactions to a revoked client are dated by bimbingan itself, and the expected figures read
those dates back, so nothing here assumes what day it is."""
import random
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.support.bimbingan_story import ok

WIB = ZoneInfo("Asia/Jakarta")
ATTENDANCE = ("present", "late", "absent", "excused")
ENDED = ("completed", "revoked", "transferred")
TYPES = ("PB", "CB", "CMB", "ASIMILASI", "PIDANA_BERSYARAT", "DIVERSI")


def tag() -> str:
    return uuid.uuid4().hex[:8]


def months() -> tuple[str, str]:
    """(previous month, this month) in WIB, as YYYY-MM."""
    today = datetime.now(WIB).date()
    previous = today.replace(day=1) - timedelta(days=1)
    return previous.strftime("%Y-%m"), today.strftime("%Y-%m")


def month_end(month: str) -> date:
    first = date(int(month[:4]), int(month[5:]), 1)
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def wib_month(instant: str) -> str:
    return datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(WIB).strftime("%Y-%m")


def pages(client, path: str, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        body = ok(client.get(path, params={**params, "limit": 500, **({"cursor": cursor} if cursor else {})}))
        items += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            return items


class MonthOfActivity:
    def __init__(self, admin):
        self.admin = admin
        self.tag = tag()
        self.office, self.group_office = f"e2e-{self.tag}", f"e2e-{self.tag}-mitra"
        self.officer = f"pk-{self.tag}"
        self.month, self.this_month = months()
        self.clients: list[str] = []
        self.enrollments: list[str] = []
        self.sessions: list[str] = []
        self.random = random.Random(self.tag)

    def day(self, n: int) -> str:
        return f"{self.month}-{n:02d}"

    def begin(self) -> None:
        """A group in its own office, an agreement with two programs, seven clients and their enrollments."""
        pokmas = self.admin.pokmas
        self.group = pokmas.created("/groups", {"name": f"Yayasan Laporan {self.tag}", "legal_form": "yayasan",
                                                "address": "Jl. Merdeka 1", "contact": "0711-1",
                                                "bapas_office": self.group_office})
        first = date.fromisoformat(self.day(1))
        self.agreement = pokmas.created("/agreements", {
            "group_id": self.group["id"], "number": f"PKS/{self.tag}",
            "signed_on": (first - timedelta(days=20)).isoformat(),
            "valid_from": (first - timedelta(days=15)).isoformat(),
            "valid_until": (datetime.now(WIB).date() + timedelta(days=40)).isoformat(),
            "programs": [{"name": "Menjahit", "guidance_type": "kemandirian", "capacity": 50},
                         {"name": "Kerohanian", "guidance_type": "kepribadian", "capacity": 50}]})
        ok(pokmas.post(f"/agreements/{self.agreement['id']}/activate"))
        self.programs = [p["id"] for p in self.agreement["programs"]]
        starts = [(first - timedelta(days=40)).isoformat(), self.day(1), self.day(1), self.day(2), self.day(2),
                  self.day(2)]
        for index, start in enumerate(starts):
            self.register(start, TYPES[index % 4], self.office)
        self.register(self.day(1), "PB", f"{self.office}-lain")   # another office, same group
        for index, client_id in enumerate(self.clients):
            self.enroll(client_id, self.programs[index % 2], self.day(3))
        for day in (5, 12, 19):
            self.schedule(self.programs[0], f"{self.day(day)}T02:00:00Z")
        self.schedule(self.programs[1], f"{self.day(8)}T02:00:00Z")
        self.schedule(self.programs[0], f"{month_end(self.month).isoformat()}T18:00:00Z")  # 01:00 WIB next month

    def register(self, start: str, kind: str, office: str) -> None:
        birth = "2008-01-01" if kind == "DIVERSI" else "1990-01-01"
        body = {"register_number": f"LAP-{self.tag}-{len(self.clients)}", "name": f"Klien {len(self.clients)}",
                "nik": "".join(self.random.choices("0123456789", k=16)), "birth_date": birth, "sex": "L",
                "address": "Jl. Sudirman 1", "supervision_type": kind, "offence_category": "lainnya",
                "decree": {"number": f"SK-{self.tag}", "date": start}, "supervision_start": start,
                "supervision_end": "2030-12-31", "officer_id": self.officer, "bapas_office": office}
        self.clients.append(self.admin.klien.created("/clients", body)["id"])

    def enroll(self, client_id: str, program_id: str, start: str) -> None:
        body = {"client_id": client_id, "program_id": program_id, "start_date": start}
        self.enrollments.append(self.admin.bimbingan.created("/enrollments", body)["id"])

    def schedule(self, program_id: str, starts_at: str) -> None:
        self.sessions.append(self.admin.bimbingan.created("/sessions", {
            "program_id": program_id, "starts_at": starts_at, "topic": "Pertemuan", "facilitator": "Ibu Sari",
            "delivery": "in_person"})["id"])

    def attend(self, session: int, marks: dict[int, str]) -> None:
        records = [{"enrollment_id": self.enrollments[i], "attendance": mark} for i, mark in marks.items()]
        ok(self.admin.bimbingan.post(f"/sessions/{self.sessions[session]}/attendance", json={"records": records}))

    def first_half(self) -> None:
        """Marks in four sessions (program 0: enrollments 0, 2, 4, 6; program 1: 1, 3, 5)."""
        self.attend(0, {0: "present", 2: "late", 4: "absent", 6: "present"})
        self.attend(3, {1: "present", 3: "excused", 5: "late"})
        self.attend(1, {0: "absent", 2: "present", 4: "absent", 6: "late"})
        self.attend(4, {0: "present", 2: "present"})

    def second_half(self) -> None:
        """A correction, a cancelled session with marks, a completion, a withdrawal, ended clients."""
        self.attend(0, {4: "excused"})
        self.attend(2, {0: "present", 2: "absent", 6: "present"})
        ok(self.admin.bimbingan.post(f"/sessions/{self.sessions[2]}/cancel", json={"reason": "banjir"}))
        ok(self.admin.bimbingan.post(f"/enrollments/{self.enrollments[2]}/complete",
                                     json={"outcome": "achieved", "summary": "selesai"}))
        ok(self.admin.bimbingan.post(f"/enrollments/{self.enrollments[3]}/withdraw",
                                     json={"reason_code": "client_request"}))
        for client, status, day in ((0, "revoked", 20), (5, "transferred", 22), (4, "completed", 25)):
            ok(self.admin.klien.post(f"/clients/{self.clients[client]}/status",
                                     json={"status": status, "reason": "e2e", "effective_date": self.day(day)}))
        self.register(self.day(26), "CMB", self.office)


class Owners:
    """The report counted from the owners' endpoints, for one office and month."""

    def __init__(self, admin, activity: MonthOfActivity):
        self.admin, self.activity = admin, activity

    def gather(self) -> None:
        admin = self.admin
        self.clients = {c["id"]: c for c in pages(admin.klien, "/clients", officer_id=self.activity.officer)}
        self.enrollments = {e["id"]: e for c in self.clients
                            for e in pages(admin.bimbingan, "/enrollments", client_id=c)}
        self.sessions = [ok(admin.bimbingan.get(f"/sessions/{s['id']}"))
                         for s in pages(admin.bimbingan, "/sessions", group_id=self.activity.group["id"])]
        agreement = ok(admin.pokmas.get(f"/agreements/{self.activity.agreement['id']}"))
        self.agreement = agreement
        self.guidance = {p["id"]: p["guidance_type"] for p in agreement["programs"]}
        self.group = ok(admin.pokmas.get(f"/groups/{self.activity.group['id']}"))

    def office_of(self, enrollment_id: str) -> str:
        return self.clients[self.enrollments[enrollment_id]["client_id"]]["bapas_office"]

    def marks(self, month: str):
        """(session, mark) of every session held in `month` (WIB) that was not cancelled."""
        for session in self.sessions:
            if session["status"] != "cancelled" and wib_month(session["starts_at"]) == month:
                for mark in session["attendance"]:
                    yield session, mark

    def report(self, office: str, month: str) -> dict:
        end = month_end(month).isoformat()
        mine = [c for c in self.clients.values() if c["bapas_office"] == office]

        def ended_by(c, last: str) -> bool:
            return c["status"] in ENDED and max(c["status_effective_date"], c["supervision_start"]) <= last

        active = [c for c in mine if c["supervision_start"] <= end and not ended_by(c, end)]
        enrollments = [e for e in self.enrollments.values() if self.office_of(e["id"]) == office]

        def ended_in(e, status) -> bool:
            return e["status"] == status and e["ended_on"][:7] == month

        marks = [(s, m) for s, m in self.marks(month) if self.office_of(m["enrollment_id"]) == office]
        group_marks = list(self.marks(month)) if office == self.group["bapas_office"] else []
        by_guidance = {kind: {
            "enrollments_created": sum(e["start_date"][:7] == month and self.guidance[e["program_id"]] == kind
                                       for e in enrollments),
            "enrollments_completed": sum(ended_in(e, "completed") and self.guidance[e["program_id"]] == kind
                                         for e in enrollments),
            "enrollments_withdrawn": sum(ended_in(e, "withdrawn") and self.guidance[e["program_id"]] == kind
                                         for e in enrollments),
            "sessions_held": sum(1 for s in self.held(month) if self.guidance[s["program_id"]] == kind)
            if office == self.group["bapas_office"] else 0,
            "attendance": {a: sum(m["attendance"] == a and self.guidance[s["program_id"]] == kind
                                  for s, m in marks) for a in ATTENDANCE}}
            for kind in ("kepribadian", "kemandirian")}
        return {
            "month": month, "bapas_office": office,
            "clients": {"registered": sum(c["supervision_start"][:7] == month for c in mine),
                        "active_at_end": len(active),
                        "ended": {s: sum(c["status"] == s and max(c["status_effective_date"],
                                                                   c["supervision_start"])[:7] == month
                                         for c in mine) for s in ENDED},
                        "by_supervision_type": {t: sum(c["supervision_type"] == t for c in active) for t in TYPES}},
            "enrollments": {"created": sum(e["start_date"][:7] == month for e in enrollments),
                            "completed": sum(ended_in(e, "completed") for e in enrollments),
                            "withdrawn": sum(ended_in(e, "withdrawn") for e in enrollments),
                            "active_at_end": sum(e["start_date"] <= end and not (
                                e["status"] != "enrolled" and max(e["ended_on"], e["start_date"]) <= end)
                                for e in enrollments)},
            "attendance": {a: sum(m["attendance"] == a for _, m in marks) for a in ATTENDANCE},
            "reporting": {"kept": 0, "missed": 0},
            "sessions_held": len(self.held(month)) if office == self.group["bapas_office"] else 0,
            "by_guidance_type": by_guidance,
            "groups": self.groups(month, group_marks) if office == self.group["bapas_office"] else [],
            "agreements_expiring": self.expiring(office, month),
        }

    def held(self, month: str) -> list[dict]:
        return [s for s in self.sessions if s["status"] != "cancelled" and wib_month(s["starts_at"]) == month
                and s["attendance"]]

    def groups(self, month: str, marks: list) -> list[dict]:
        completed = [e for e in self.enrollments.values()
                     if e["group_id"] == self.group["id"] and e["status"] == "completed" and e["ended_on"][:7] == month]
        if not marks and not completed:
            return []
        counts = {a: sum(m["attendance"] == a for _, m in marks) for a in ATTENDANCE}
        counted = counts["present"] + counts["late"] + counts["absent"]
        return [{"group_id": self.group["id"], "name": self.group["name"], "sessions_held": len(self.held(month)),
                 "participants": len({self.enrollments[m["enrollment_id"]]["client_id"] for _, m in marks
                                      if m["attendance"] in ("present", "late")}),
                 "attendance_rate": round((counts["present"] + counts["late"]) / counted, 4) if counted else None,
                 "completed": len(completed), "attendance": counts,
                 "outcomes": {o: sum(e["outcome"] == o for e in completed)
                              for o in ("achieved", "partially_achieved", "not_achieved")}}]

    def expiring(self, office: str, month: str) -> list[dict]:
        a = self.agreement
        first, last = f"{month}-01", (month_end(month) + timedelta(days=60)).isoformat()
        if office != self.group["bapas_office"] or a["status"] not in ("active", "suspended", "expired") \
                or not first <= a["valid_until"] <= last:
            return []
        return [{"agreement_id": a["id"], "number": a["number"], "group_id": a["group_id"],
                 "group_name": self.group["name"], "valid_until": a["valid_until"], "status": a["status"]}]
