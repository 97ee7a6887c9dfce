"""A fault drill's writes and its checks: a burst of client registrations and enrollments whose
2xx answers are remembered, then the checks every drill ends with."""
import threading
from collections import Counter

import requests

from shared.config import SERVICES
from tests.support import faults_payloads as payloads
from tests.support import faults_backbone
from tests.support.client import ServiceClient, token
from tests.support.poll import eventually

PROGRAMS = 3


class Drill:
    def __init__(self, stack):
        self.stack = stack
        secret = token(role="admin", sub="fault-drill", secret=stack.jwt_secret, region=stack.region)
        self.klien = ServiceClient(stack.klien_url, secret)
        self.pokmas = ServiceClient(stack.pokmas_url, secret)
        self.bimbingan = ServiceClient(stack.bimbingan_url, secret)
        self.clients: list[str] = []             # ids of clients registered with a 2xx answer
        self.enrollments: dict[str, dict] = {}   # id -> body of enrollments created with a 2xx answer
        self.failures = Counter()
        self._lock = threading.Lock()
        self.agreement_id, self.program_ids = self._programs()

    def _programs(self) -> tuple[str, list[str]]:
        group = self.pokmas.created("/groups", payloads.group())
        agreement = self.pokmas.created("/agreements", payloads.agreement(group["id"], PROGRAMS, 1000))
        activated = self.pokmas.post(f"/agreements/{agreement['id']}/activate")
        assert activated.status_code == 200, activated.text
        return agreement["id"], [program["id"] for program in agreement["programs"]]

    def burst(self, count: int, threads: int = 4) -> threading.Thread:
        """Start `count` register-then-enroll writes from `threads` senders; returns the thread to join."""
        def sender(share: int):
            for n in range(share):
                self._register_and_enroll(n)

        shares = [count // threads + (1 if i < count % threads else 0) for i in range(threads)]
        senders = [threading.Thread(target=sender, args=(share,)) for share in shares]
        runner = threading.Thread(target=lambda: [s.start() for s in senders] and [s.join() for s in senders])
        runner.start()
        return runner

    def _register_and_enroll(self, n: int) -> None:
        client = self._post(self.klien, "/clients", payloads.client())
        if client is None:
            return
        body = {"client_id": client["id"], "program_id": self.program_ids[n % PROGRAMS]}
        enrollment = self._post(self.bimbingan, "/enrollments", body)
        with self._lock:
            self.clients.append(client["id"])
            if enrollment is not None:
                self.enrollments[enrollment["id"]] = body

    def _post(self, service: ServiceClient, path: str, body: dict) -> dict | None:
        try:
            response = service.post(path, json=body, timeout=15)
        except requests.RequestException as exc:
            self.failures[f"{path}: {type(exc).__name__}"] += 1
            return None
        if not 200 <= response.status_code < 300:
            self.failures[f"{path}: {response.status_code}"] += 1
            return None
        return response.json()

    # --- the checks every drill ends with ---

    def assert_all_kept_and_converged(self, timeout: float = 90) -> None:
        assert self.enrollments, f"no write was acknowledged: {dict(self.failures)}"
        eventually(self._acknowledged_writes_present, timeout)
        truth = eventually(self._views_match_records, timeout)
        self.assert_applied_once(truth)
        eventually(self._no_dead_letters, 30)

    def _acknowledged_writes_present(self) -> bool:
        for client_id in self.clients:
            assert self.klien.get(f"/clients/{client_id}").status_code == 200, f"client {client_id} lost"
        for enrollment_id, body in self.enrollments.items():
            response = self.bimbingan.get(f"/enrollments/{enrollment_id}")
            assert response.status_code == 200, f"enrollment {enrollment_id} lost"
            assert response.json()["client_id"] == body["client_id"]
        return True

    def _views_match_records(self) -> dict:
        """klien's guidance and pokmas's utilization equal what bimbingan's records say, exactly."""
        truth = {program_id: self._enrollments_of(program_id) for program_id in self.program_ids}
        by_client: dict[str, dict] = {client_id: {} for client_id in self.clients}
        for records in truth.values():
            for record in records:
                by_client.setdefault(record["client_id"], {})[record["id"]] = record["status"]
        for client_id, expected in by_client.items():
            guidance = self.klien.get(f"/clients/{client_id}").json()["guidance"]
            shown = {entry["enrollment_id"]: entry["status"] for entry in guidance["enrollments"]}
            assert shown == expected, f"client {client_id}: guidance {shown} != enrollments {expected}"
            assert guidance["active_enrollments"] == sum(s == "enrolled" for s in expected.values())
        programs = {p["id"]: p for p in self.pokmas.get(f"/agreements/{self.agreement_id}").json()["programs"]}
        for program_id, records in truth.items():
            statuses = Counter(record["status"] for record in records)
            expected = {"enrolled": len(records), "active": statuses["enrolled"],
                        "completed": statuses["completed"], "withdrawn": statuses["withdrawn"]}
            shown = programs[program_id]["utilization"]
            assert shown == expected, f"program {program_id}: utilization {shown} != enrollments {expected}"
        return truth

    def _enrollments_of(self, program_id: str) -> list[dict]:
        items, cursor = [], None
        while True:
            params = {"program_id": program_id, "limit": 500, **({"cursor": cursor} if cursor else {})}
            page = self.bimbingan.get("/enrollments", params=params).json()
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return items

    def assert_applied_once(self, truth: dict) -> None:
        """No change was committed twice: one `enrollment.created` per enrollment record, one
        `client.registered` per client, and no (subject, sequence) twice in any feed."""
        for service, kind in ((self.bimbingan, "bimbingan.enrollment.created"), (self.klien, "klien.client.registered")):
            events = self.feed(service)
            pairs = Counter((e["subject"], e["sequence"]) for e in events)
            assert max(pairs.values(), default=1) == 1, f"a change was committed twice: {pairs.most_common(1)}"
            created = Counter(e["subject"] for e in events if e["type"] == kind)
            assert max(created.values(), default=1) == 1
        records = {record["id"] for records in truth.values() for record in records}
        created = {e["subject"] for e in self.feed(self.bimbingan) if e["type"] == "bimbingan.enrollment.created"}
        assert records <= created and set(self.enrollments) <= records

    @staticmethod
    def feed(service: ServiceClient) -> list[dict]:
        events, after = [], None
        while True:
            page = service.get("/events", params={"limit": 1000, **({"after": after} if after else {})}).json()
            events += page["items"]
            after = page["next_after"]
            if not after:
                return events

    def _no_dead_letters(self) -> bool:
        assert faults_backbone.dead_lettered(self.stack.redis_url) == {service: 0 for service in SERVICES}
        depths = faults_backbone.queue_depths(self.stack.broker_url)
        assert all(depth == 0 for name, depth in depths.items() if name.endswith(".dead")), depths
        return True
