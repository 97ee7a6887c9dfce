"""Events as klien, pokmas and bimbingan publish them, for laporan's tests: each aggregate keeps its
version, so every event carries the state after its change and its `sequence`."""
import uuid

from shared import envelope

REGION = "testreg"


def new_id() -> str:
    return str(uuid.uuid4())


class World:
    def __init__(self, region: str = REGION):
        self.region = region
        self.versions: dict[str, int] = {}
        self.events: list[dict] = []

    @staticmethod
    def new_program() -> str:
        return new_id()

    def _event(self, service: str, type_: str, data: dict, bump: bool = True) -> dict:
        subject = data["id"]
        if bump:
            self.versions[subject] = self.versions.get(subject, 0) + 1
        event = envelope.build_event(region=self.region, service=service, type=type_, subject=subject,
                                     sequence=self.versions[subject], data=data, correlation_id="test")
        self.events.append(event)
        return event

    def client(self, office="palembang", kind="PB", start="2026-11-03", status="active", effective=None,
               client_id=None, type_=None) -> dict:
        data = {"id": client_id or new_id(), "register_number": "R-1", "status": status, "supervision_type": kind,
                "offence_category": "lainnya", "officer_id": "pk-1", "bapas_office": office,
                "supervision_start": start, "supervision_end": "2027-12-31", "decree_number": None,
                "status_effective_date": effective}
        default = "klien.client.registered" if data["id"] not in self.versions else "klien.client.status_changed"
        return self._event("klien", type_ or default, data)

    def group(self, office="palembang", group_id=None, type_="pokmas.group.registered") -> dict:
        return self._event("pokmas", type_, {"id": group_id or new_id(), "legal_form": "yayasan",
                                             "bapas_office": office, "status": "active"})

    def agreement(self, group_id, programs, status="active", valid_until="2027-01-15", agreement_id=None,
                  number="PKS-1/2026", type_="pokmas.agreement.activated") -> dict:
        return self._event("pokmas", type_, {
            "id": agreement_id or new_id(), "group_id": group_id, "number": number, "status": status,
            "valid_from": "2026-01-01", "valid_until": valid_until,
            "programs": [{"id": p, "guidance_type": g, "capacity": 20} for p, g in programs]})

    def enrollment(self, client_id, program_id, group_id, start="2026-11-05", status="enrolled", ended_on=None,
                   outcome=None, enrollment_id=None, type_=None, attended=0, missed=0) -> dict:
        data = {"id": enrollment_id or new_id(), "client_id": client_id, "program_id": program_id,
                "group_id": group_id, "agreement_id": new_id(), "status": status, "start_date": start,
                "sessions_attended": attended, "sessions_missed": missed, "consecutive_absences": 0,
                "outcome": outcome, "reason_code": "other" if status == "withdrawn" else None, "ended_on": ended_on}
        default = {"enrolled": "bimbingan.enrollment.created", "completed": "bimbingan.enrollment.completed",
                   "withdrawn": "bimbingan.enrollment.withdrawn"}[status]
        return self._event("bimbingan", type_ or default, data)

    def mark(self, enrollment: dict, session_id: str, attendance: str) -> dict:
        data = {**enrollment["data"], "session_id": session_id, "attendance": attendance}
        return self._event("bimbingan", "bimbingan.attendance.recorded", data)

    def session(self, program_id, group_id, starts_at="2026-11-10T02:00:00.000Z", status="scheduled",
                session_id=None, type_="bimbingan.session.scheduled") -> dict:
        return self._event("bimbingan", type_, {"id": session_id or new_id(), "program_id": program_id,
                                                "group_id": group_id, "starts_at": starts_at,
                                                "delivery": "in_person", "status": status})
