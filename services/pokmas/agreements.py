"""pokmas's Redis: agreements (PKS) with their programs, the program catalogue and the expiry index.

An agreement, its uniqueness mark, its list indexes, its programs' catalogue indexes (including
whether each is open), its place in the expiry index and its event are written in one MULTI/EXEC."""
import json
from datetime import date

from services.pokmas import domain, keys
from services.pokmas.store import check_group, load, page_of, reindex
from shared import clock
from shared.context import system_context
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.http.versioning import check_version
from shared.ids import new_id
from shared.pagination import index_member
from shared.redis_tx import transact


def utilizations(reader, program_ids) -> dict[str, dict]:
    """Each program's counts, derived from its view entries."""
    return {pid: domain.utilization([json.loads(v) for v in reader.hvals(keys.utilization(pid))])
            for pid in program_ids}


def program_member(program: dict) -> str:
    return index_member(program["created_at"], program["id"])


def program_indexes(agreement: dict, program: dict, active: int) -> list[str]:
    is_open = domain.is_open(agreement["status"], program["capacity"], active)
    return keys.program_indexes({"group_id": agreement["group_id"], "guidance_type": program["guidance_type"],
                                 "open": "true" if is_open else "false"})


def program_view(agreement: dict, program: dict, counts: dict) -> dict:
    return {**program, "utilization": counts,
            "open": domain.is_open(agreement["status"], program["capacity"], counts["active"])}


def agreement_view(agreement: dict, counts: dict) -> dict:
    return {**agreement, "programs": [program_view(agreement, p, counts[p["id"]]) for p in agreement["programs"]]}


def save_agreement(pipe, outbox, before: dict | None, after: dict, counts: dict, event_type: str,
                   correlation_id: str) -> None:
    """Queue (pipe in MULTI) the agreement, its indexes and its event."""
    pipe.set(keys.agreement(after["id"]), json.dumps(after))
    member = index_member(after["created_at"], after["id"])
    if before is None:
        pipe.hset(keys.AGREEMENT_NUMBERS, domain.name_key(after["number"]), after["id"])
    reindex(pipe, keys.agreement_indexes(before) if before else [], member, keys.agreement_indexes(after), member)
    old_programs = {p["id"]: p for p in before["programs"]} if before else {}
    for program in after["programs"]:
        old, active = old_programs.get(program["id"]), counts[program["id"]]["active"]
        if old is None:
            pipe.set(keys.program(program["id"]), after["id"])
        reindex(pipe, program_indexes(before, old, active) if old else [], program_member(program),
                program_indexes(after, program, active), program_member(program))
    if after["status"] == domain.ACTIVE:
        pipe.zadd(keys.EXPIRY, {after["id"]: date.fromisoformat(after["valid_until"]).toordinal()})
    else:
        pipe.zrem(keys.EXPIRY, after["id"])
    outbox.stage(pipe, type=event_type, subject=after["id"], sequence=after["version"],
                 data=domain.agreement_event_data(after), correlation_id=correlation_id)


class AgreementStore:
    def __init__(self, runtime, today=clock.today):
        self.redis = runtime.redis
        self.outbox = runtime.outbox
        self.today = today

    def create(self, body: dict, ctx) -> dict:
        fields = {**body, "group_id": str(body["group_id"]),
                  **{k: body[k].isoformat() for k in ("signed_on", "valid_from", "valid_until")}}
        programs = [domain.new_program(new_id(), program, ctx) for program in body["programs"]]
        agreement = domain.new_agreement(new_id(), fields, programs, ctx)
        group_key = keys.group(agreement["group_id"])

        def work(pipe):
            if not pipe.exists(group_key):
                raise Invalid({"group_id": ["no group with this id"]})
            self._check_number_free(pipe, agreement["number"])
            pipe.multi()
            counts = {p["id"]: domain.utilization([]) for p in programs}
            save_agreement(pipe, self.outbox, None, agreement, counts, "pokmas.agreement.created",
                           ctx.correlation_id)
            return agreement_view(agreement, counts)

        return transact(self.redis, work, group_key, keys.AGREEMENT_NUMBERS)

    def get(self, agreement_id: str, ctx) -> dict:
        agreement = self._get(self.redis, agreement_id)
        check_group(agreement["group_id"], ctx)
        return agreement_view(agreement, utilizations(self.redis, [p["id"] for p in agreement["programs"]]))

    def page(self, args: dict, ctx) -> dict:
        filters = {name: str(args[name]) for name in keys.AGREEMENT_FILTERS if args.get(name) is not None}
        if ctx.role == "partner":
            filters["group_id"] = own_group_filter(filters, ctx)
        items, next_cursor = page_of(self.redis, keys.agreement_index(filters), args, keys.agreement)
        views = [agreement_view(a, utilizations(self.redis, [p["id"] for p in a["programs"]])) for a in items]
        return {"items": views, "next_cursor": next_cursor}

    def activate(self, agreement_id: str, expected: int | None, ctx) -> dict:
        return self._change(agreement_id, expected, ctx, "pokmas.agreement.activated",
                            lambda a: domain.activate(a, self.today(), ctx))

    def resume(self, agreement_id: str, expected: int | None, ctx) -> dict:
        return self._change(agreement_id, expected, ctx, "pokmas.agreement.activated",
                            lambda a: domain.resume(a, self.today(), ctx))

    def suspend(self, agreement_id: str, body: dict, expected: int | None, ctx) -> dict:
        return self._change(agreement_id, expected, ctx, "pokmas.agreement.suspended",
                            lambda a: domain.suspend(a, body.get("reason"), ctx))

    def terminate(self, agreement_id: str, body: dict, expected: int | None, ctx) -> dict:
        return self._change(agreement_id, expected, ctx, "pokmas.agreement.terminated",
                            lambda a: domain.terminate(a, body["reason"], ctx))

    def add_program(self, agreement_id: str, body: dict, expected: int | None, ctx) -> dict:
        program = domain.new_program(new_id(), body, ctx)
        return self._change(agreement_id, expected, ctx, "pokmas.agreement.programs_changed",
                            lambda a: domain.add_program(a, program, ctx))

    def change_program(self, agreement_id: str, program_id: str, body: dict, expected: int | None, ctx) -> dict:
        def change(agreement):
            if domain.find_program(agreement, program_id) is None:
                raise NotFound(f"the agreement has no program with id {program_id}")
            return domain.change_program(agreement, program_id, body, ctx)

        return self._change(agreement_id, expected, ctx, "pokmas.agreement.programs_changed", change)

    def expire_due(self, today: date | None = None) -> int:
        """Expire every active agreement whose valid_until has passed; each in its own re-checked transaction."""
        today = today or self.today()
        due = self.redis.zrangebyscore(keys.EXPIRY, "-inf", today.toordinal() - 1)
        return sum(self._expire(agreement_id, today) for agreement_id in due)

    def _expire(self, agreement_id: str, today: date) -> bool:
        ctx = system_context("pokmas", new_id())

        def work(pipe):
            before = load(pipe, keys.agreement(agreement_id))
            if before is None or not domain.is_due(before, today):
                return False
            self._write(pipe, before, domain.expire(before, today, ctx), "pokmas.agreement.expired", ctx)
            return True

        return transact(self.redis, work, keys.agreement(agreement_id))

    def _change(self, agreement_id: str, expected: int | None, ctx, event_type: str, change) -> dict:
        def work(pipe):
            before = self._get(pipe, agreement_id)
            check_version(before["version"], expected)
            return self._write(pipe, before, change(before), event_type, ctx)

        return transact(self.redis, work, keys.agreement(agreement_id))

    def _write(self, pipe, before: dict, after: dict, event_type: str, ctx) -> dict:
        """Read the programs' counts (watched), then queue the change; returns the agreement's view."""
        program_ids = [p["id"] for p in after["programs"]]
        pipe.watch(*[keys.utilization(pid) for pid in program_ids])
        counts = utilizations(pipe, program_ids)
        pipe.multi()
        save_agreement(pipe, self.outbox, before, after, counts, event_type, ctx.correlation_id)
        return agreement_view(after, counts)

    @staticmethod
    def _get(reader, agreement_id: str) -> dict:
        agreement = load(reader, keys.agreement(agreement_id))
        if agreement is None:
            raise NotFound(f"no agreement with id {agreement_id}")
        return agreement

    @staticmethod
    def _check_number_free(pipe, number: str) -> None:
        owner = pipe.hget(keys.AGREEMENT_NUMBERS, domain.name_key(number))
        if owner is not None:
            raise Conflict(f"PKS number {number} is already recorded (agreement {owner})")


def own_group_filter(filters: dict, ctx) -> str:
    """A partner's lists are its own group's; asking for another group's is refused."""
    asked = filters.get("group_id")
    if asked is not None and asked != ctx.group_id:
        raise Forbidden("a partner may list only its own group's records")
    if ctx.group_id is None:
        raise Forbidden("this partner token names no group")
    return ctx.group_id
