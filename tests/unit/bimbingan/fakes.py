"""bimbingan's repositories in memory, and a stand-in for the owners' feeds."""
from services.bimbingan import domain
from services.bimbingan.events import CATALOG
from tests.unit.fakes import FakeIdempotency, FakeStore, FakeUnitOfWork, check_shape


class FakeEnrollmentRepository:
    def __init__(self, uow):
        self.uow = uow
        self.enrollments = FakeStore(uow, "enrollment", domain.Enrollment)
        self.marks_of: dict[str, dict] = {}           # enrollment id -> session id -> mark
        self.session_marks: dict[str, dict] = {}      # session id -> enrollment id -> mark

    def get(self, enrollment_id):
        return self.enrollments.get(enrollment_id)

    def find_many(self, enrollment_ids):
        return [self.enrollments.find(i) for i in enrollment_ids]

    def _open(self):
        return [e for e in self.enrollments.records.values() if e["status"] == domain.OPEN]

    def open_in_program(self, program_id):
        return {e["client_id"]: e["id"] for e in self._open() if e["program_id"] == program_id}

    def enrolling(self, client_id, program_id):
        taken = self.open_in_program(program_id)
        replicas = self.uow.replicas
        return replicas.client(client_id), replicas.program(program_id), len(taken), client_id in taken

    def open_of_client(self, client_id):
        return {e["id"] for e in self._open() if e["client_id"] == client_id}

    def marks(self, enrollment_id):
        return dict(self.marks_of.get(enrollment_id, {}))

    def save(self, before, after):
        self.enrollments.put(after)

    def save_mark(self, enrollment_id, mark):
        check_shape(domain.Mark, mark)

        def write():
            self.marks_of.setdefault(enrollment_id, {})[mark["session_id"]] = mark
            self.session_marks.setdefault(mark["session_id"], {})[enrollment_id] = mark

        self.uow.queue(write)

    def page(self, filters, cursor, limit):
        return self.enrollments.matching(filters, lambda e: (e["created_at"], e["id"]))[:limit], None


class FakeSessionRepository:
    def __init__(self, uow):
        self.uow = uow
        self.sessions = FakeStore(uow, "session", domain.Session)

    def get(self, session_id):
        return self.sessions.get(session_id)

    def marks(self, session_id):
        return dict(self.uow.enrollments.session_marks.get(session_id, {}))

    def of_program(self, program_id):
        return self.sessions.matching({"program_id": program_id}, lambda s: (s["starts_at"], s["id"]))

    def save(self, before, after):
        self.sessions.put(after)

    def page(self, filters, cursor, limit, starts_from=None, starts_before=None):
        listed = [s for s in self.sessions.matching(filters, lambda s: (s["starts_at"], s["id"]))
                  if (starts_from is None or s["starts_at"] >= starts_from)
                  and (starts_before is None or s["starts_at"] < starts_before)]
        return listed[:limit], None


class FakeReplicaRepository:
    def __init__(self, uow):
        self.uow = uow
        self.clients, self.programs, self.agreements = {}, {}, {}

    def client(self, client_id):
        return self.clients.get(client_id)

    def program(self, program_id):
        return self.programs.get(program_id)

    def knows_all(self, client_ids=(), program_ids=()):
        return all(i in self.clients for i in client_ids) and all(i in self.programs for i in program_ids)

    def agreement(self, agreement_id):
        return self.agreements.get(agreement_id)

    def knows_client(self, client_id):
        return client_id in self.clients

    def knows_program(self, program_id):
        return program_id in self.programs

    def save_client(self, client):
        self.uow.queue(lambda: self.clients.__setitem__(client["id"], client))

    def save_agreement(self, agreement, programs, dropped):
        def write():
            self.agreements[agreement["id"]] = agreement
            for program_id in dropped:
                self.programs.pop(program_id, None)
            self.programs.update({p["id"]: p for p in programs})

        self.uow.queue(write)


class FakeFreshness:
    """The owners' feeds: events the replicas have not seen yet, applied on catch-up."""

    def __init__(self):
        self.pending: dict[str, list] = {"klien": [], "pokmas": []}
        self.apply = None
        self.catch_ups: list[str] = []
        self.reachable = True

    def knows(self, source, is_known):
        if is_known():
            return True
        self.catch_up(source)
        return is_known()

    def catch_up(self, source):
        from shared.errors import Unavailable
        if not self.reachable:
            raise Unavailable(f"{source} is out of reach")
        self.catch_ups.append(source)
        events, self.pending[source] = self.pending[source], []
        for event in events:
            self.apply(event)
        return len(events)


def unit_of_work() -> FakeUnitOfWork:
    return FakeUnitOfWork(CATALOG, enrollments=FakeEnrollmentRepository, sessions=FakeSessionRepository,
                          idempotency=FakeIdempotency,
                          replicas=FakeReplicaRepository)
