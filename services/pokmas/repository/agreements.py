"""Agreements (PKS) with their programs: the record, its unique number, its list indexes, each
program's catalogue indexes (including whether it is open) and the expiry index."""
from datetime import date

from services.pokmas import domain, keys
from shared import jsontext
from shared.errors import Conflict
from shared.pagination import index_member, lex_page, member_id
from shared.records import load_many, load_or_404, move, page_of


def program_member(program: domain.Program) -> str:
    return index_member(program["created_at"], program["id"])


def program_indexes(agreement: domain.Agreement, program: domain.Program, active: int) -> list[str]:
    is_open = domain.is_open(agreement["status"], program["capacity"], active)
    return keys.program_indexes({"group_id": agreement["group_id"], "guidance_type": program["guidance_type"],
                                 "open": "true" if is_open else "false"})


class AgreementRepository:
    def __init__(self, tx):
        self.tx = tx
        self.redis = tx.pipe

    def get(self, agreement_id: str) -> domain.Agreement:
        self.tx.watch(keys.agreement(agreement_id))
        return load_or_404(self.redis, keys.agreement(agreement_id), "agreement", agreement_id)

    def find(self, agreement_id: str) -> domain.Agreement | None:
        return self.tx.read(keys.agreement(agreement_id))

    def of_program(self, program_id: str) -> domain.Agreement | None:
        """The agreement a program belongs to (both watched)."""
        self.tx.watch(keys.program(program_id))
        agreement_id = self.redis.get(keys.program(program_id))
        return self.find(agreement_id) if agreement_id else None

    def claim_number(self, number: str) -> None:
        slot = keys.agreement_number_slot(domain.name_key(number))
        self.tx.watch(slot)
        owner = self.redis.get(slot)
        if owner is not None:
            raise Conflict(f"PKS number {number} is already recorded (agreement {owner})")

    def save(self, before: domain.Agreement | None, after: domain.Agreement, counts: dict) -> None:
        """The agreement, its indexes and its programs' (open or not by `counts`, their utilization as read);
        a new program's counts are kept from the start, so no read of them has to derive them."""
        def write(pipe):
            pipe.set(keys.agreement(after["id"]), jsontext.dumps(after))
            member = index_member(after["created_at"], after["id"])
            if before is None:
                pipe.set(keys.agreement_number_slot(domain.name_key(after["number"])), after["id"])
            move(pipe, keys.agreement_indexes(before) if before else [], member, keys.agreement_indexes(after), member)
            old_programs = {p["id"]: p for p in before["programs"]} if before else {}
            for program in after["programs"]:
                old, active = old_programs.get(program["id"]), counts[program["id"]]["active"]
                if old is None:
                    pipe.set(keys.program(program["id"]), after["id"])
                    pipe.hset(keys.utilization_counts(program["id"]), mapping=counts[program["id"]])
                move(pipe, program_indexes(before, old, active) if old else [], program_member(program),
                     program_indexes(after, program, active), program_member(program))
            if after["status"] == domain.ACTIVE:
                pipe.zadd(keys.EXPIRY, {after["id"]: date.fromisoformat(after["valid_until"]).toordinal()})
            else:
                pipe.zrem(keys.EXPIRY, after["id"])

        self.tx.queue(write)

    def move_program(self, agreement: domain.Agreement, program: domain.Program, active_before: int,
                     active_after: int) -> None:
        """A program whose active count crossed its capacity moves between the open and closed indexes. Most
        events cross nothing: then its indexes are not even named (16 keys, each value percent-encoded, twice:
        a fifth of pokmas's CPU per enrollment event)."""
        if domain.is_open(agreement["status"], program["capacity"], active_before) == \
                domain.is_open(agreement["status"], program["capacity"], active_after):
            return
        member = program_member(program)
        self.tx.queue(lambda pipe: move(pipe, program_indexes(agreement, program, active_before), member,
                                        program_indexes(agreement, program, active_after), member))

    def page(self, filters: dict, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
        return page_of(self.redis, keys.agreement_index(filters), cursor, limit, keys.agreement)

    def of_group(self, group_id: str) -> list[domain.Agreement]:
        ids = [member_id(m) for m in self.redis.zrangebylex(keys.agreement_index({"group_id": group_id}), "-", "+")]
        return [a for a in load_many(self.redis, [keys.agreement(i) for i in ids]) if a]

    def due(self, today: date) -> list[str]:
        """Ids of the active agreements whose valid_until is before `today`."""
        return self.redis.zrangebyscore(keys.EXPIRY, "-inf", today.toordinal() - 1)

    def programs_page(self, filters: dict, cursor: str | None,
                      limit: int) -> tuple[list[tuple[str, domain.Agreement]], str | None]:
        """One page of the catalogue: (program id, its agreement) in the programs' order."""
        program_ids, next_cursor = lex_page(self.redis, keys.program_index(filters), cursor, limit)
        agreement_ids = self.redis.mget([keys.program(pid) for pid in program_ids]) if program_ids else []
        wanted = sorted(set(filter(None, agreement_ids)))
        agreements = {a["id"]: a for a in load_many(self.redis, [keys.agreement(i) for i in wanted]) if a}
        return [(pid, agreements[aid]) for pid, aid in zip(program_ids, agreement_ids) if aid in agreements], \
            next_cursor
