"""Enrollments: the record, its list indexes, the open-enrollment sets (a program's active count, a
client's open enrollments) and each enrollment's attendance marks."""
import json

import orjson

from services.bimbingan import domain, keys
from shared import jsontext
from shared.pagination import decode_cursor, encode_cursor, index_member, member_id
from shared.records import load_many, load_or_404, move, page_of

# How many of a client's enrollments a list by client_id and more reads at a time (at least a page and one).
CLIENT_READ = 100


class EnrollmentRepository:
    def __init__(self, tx):
        self.tx = tx
        self.redis = tx.pipe

    def get(self, enrollment_id: str) -> domain.Enrollment:
        self.tx.watch(keys.enrollment(enrollment_id))
        return load_or_404(self.redis, keys.enrollment(enrollment_id), "enrollment", enrollment_id)

    def find_many(self, enrollment_ids: list[str]) -> list[domain.Enrollment | None]:
        """The enrollments (watched), None for an id with none."""
        self.tx.watch(*[keys.enrollment(i) for i in enrollment_ids])
        return load_many(self.redis, [keys.enrollment(i) for i in enrollment_ids])

    def open_in_program(self, program_id: str) -> dict[str, str]:
        """Client id -> open enrollment id of the program (watched): its length is the active count."""
        self.tx.watch(keys.program_open(program_id))
        return self.redis.hgetall(keys.program_open(program_id))

    def enrolling(self, client_id: str, program_id: str) -> tuple[dict | None, dict | None, int, bool]:
        """What an enrollment is decided on, all watched and read in one round trip: the client's and the
        program's replicas (None when missing), the program's active count and whether the client has an
        open enrollment in it (without reading every open enrollment of the program)."""
        replicas, open_set = [keys.client(client_id), keys.program(program_id)], keys.program_open(program_id)
        self.tx.watch(*replicas, open_set)
        found, count, has = self.tx.read_together(("MGET", *replicas), ("HLEN", open_set),
                                                  ("HEXISTS", open_set, client_id))
        # orjson: a replica holds text, dates and small integers (a capacity is at most 10,000), which it reads
        # as the json module does, at a fifth of the cost
        client, program = (orjson.loads(raw) if raw else None for raw in found)
        return client, program, count, bool(has)

    def open_of_client(self, client_id: str) -> set[str]:
        self.tx.watch(keys.client_open(client_id))
        return self.redis.smembers(keys.client_open(client_id))

    def marks(self, enrollment_id: str) -> dict[str, domain.Mark]:
        """Session id -> the enrollment's mark in that session."""
        return {sid: json.loads(raw) for sid, raw in self.redis.hgetall(keys.enrollment_marks(enrollment_id)).items()}

    def save(self, before: domain.Enrollment | None, after: domain.Enrollment) -> None:
        def write(pipe):
            pipe.set(keys.enrollment(after["id"]), jsontext.dumps(after))
            member = index_member(after["created_at"], after["id"])
            move(pipe, keys.enrollment_indexes(before) if before else [], member, keys.enrollment_indexes(after),
                 member)
            was_open = before is not None and before["status"] == domain.OPEN
            if after["status"] == domain.OPEN and not was_open:
                pipe.hset(keys.program_open(after["program_id"]), after["client_id"], after["id"])
                pipe.sadd(keys.client_open(after["client_id"]), after["id"])
            elif was_open and after["status"] != domain.OPEN:
                pipe.hdel(keys.program_open(after["program_id"]), after["client_id"])
                pipe.srem(keys.client_open(after["client_id"]), after["id"])

        self.tx.queue(write)

    def save_mark(self, enrollment_id: str, mark: domain.Mark) -> None:
        def write(pipe):
            pipe.hset(keys.enrollment_marks(enrollment_id), mark["session_id"], json.dumps(mark))
            pipe.hset(keys.session_marks(mark["session_id"]), enrollment_id, json.dumps(mark))

        self.tx.queue(write)

    def page(self, filters: dict, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
        if "client_id" in filters and len(filters) > 1:
            return self._page_of_client(filters, cursor, limit)
        return page_of(self.redis, keys.enrollment_index(filters), cursor, limit, keys.enrollment)

    def _page_of_client(self, filters: dict, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
        """A list by client_id and more (no index of its own): the client's index read from `cursor` on with
        its enrollments (a ZRANGEBYLEX and an MGET, as an index's page), those matching `filters` kept; read
        on only when fewer than a page and one matched. The same pages an index would give."""
        index, step = keys.enrollment_index({"client_id": filters["client_id"]}), max(limit + 1, CLIENT_READ)
        low, listed = ("(" + decode_cursor(cursor) if cursor else "-"), []
        while True:
            members = self.redis.zrangebylex(index, low, "+", start=0, num=step)
            records = load_many(self.redis, [keys.enrollment(member_id(m)) for m in members])
            listed += [(m, e) for m, e in zip(members, records) if e and _matches(e, filters)]
            if len(listed) > limit or len(members) < step:
                return _one_page(listed, limit)
            low = "(" + members[-1]

    def page_of_ids(self, enrollment_ids: list[str], filters: dict, cursor: str | None,
                    limit: int) -> tuple[list[dict], str | None]:
        """One page of these enrollments (one MGET), those that exist and match `filters`, in the order of the
        list (oldest first), and the next cursor: the same pages an index would give."""
        found = [e for e in load_many(self.redis, [keys.enrollment(i) for i in dict.fromkeys(enrollment_ids)])
                 if e and _matches(e, filters)]
        listed = sorted(((index_member(e["created_at"], e["id"]), e) for e in found), key=lambda pair: pair[0])
        if cursor:
            after = decode_cursor(cursor)
            listed = [(member, e) for member, e in listed if member > after]
        return _one_page(listed, limit)

    def marks_of_many(self, enrollment_ids: list[str]) -> dict[str, dict[str, domain.Mark]]:
        """Enrollment id -> (session id -> mark), every enrollment's marks in one round trip (a query's read)."""
        with self.redis.pipeline(transaction=False) as pipe:
            for enrollment_id in enrollment_ids:
                pipe.hgetall(keys.enrollment_marks(enrollment_id))
            replies = pipe.execute() if enrollment_ids else []
        return {enrollment_id: {sid: json.loads(raw) for sid, raw in reply.items()}
                for enrollment_id, reply in zip(enrollment_ids, replies)}


def _matches(enrollment: dict, filters: dict) -> bool:
    return all(str(enrollment.get(name)) == value for name, value in filters.items())


def _one_page(listed: list[tuple[str, dict]], limit: int) -> tuple[list[dict], str | None]:
    """The first `limit` of (index member, enrollment) pairs in list order, and the next cursor if more follow."""
    page = listed[:limit]
    return [e for _, e in page], (encode_cursor(page[-1][0]) if len(listed) > limit else None)
