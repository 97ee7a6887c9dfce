"""Reads across agreements: the program catalogue (where a client can go) and an office's compliance summary."""
import json

from services.pokmas import domain, keys
from services.pokmas.agreements import own_group_filter, program_view, utilizations
from services.pokmas.store import check_group, load
from shared import clock
from shared.errors import Forbidden, NotFound
from shared.pagination import lex_page, member_id


class Catalogue:
    def __init__(self, runtime, today=clock.today):
        self.redis = runtime.redis
        self.today = today

    def page(self, args: dict, ctx) -> dict:
        filters = {"group_id": str(args["group_id"]) if args.get("group_id") else None,
                   "guidance_type": args.get("guidance_type"),
                   "open": None if args.get("open") is None else str(args["open"]).lower()}
        if ctx.role == "partner":
            filters["group_id"] = own_group_filter(filters, ctx)
        program_ids, next_cursor = lex_page(self.redis, keys.program_index(filters), args["cursor"], args["limit"])
        agreement_ids = self.redis.mget([keys.program(pid) for pid in program_ids]) if program_ids else []
        agreements = self._agreements(set(filter(None, agreement_ids)))
        items = [self._item(agreements[aid], pid) for pid, aid in zip(program_ids, agreement_ids) if aid]
        return {"items": items, "next_cursor": next_cursor}

    def get(self, program_id: str, ctx) -> dict:
        agreement_id = self.redis.get(keys.program(program_id))
        agreement = load(self.redis, keys.agreement(agreement_id)) if agreement_id else None
        if agreement is None:
            raise NotFound(f"no program with id {program_id}")
        check_group(agreement["group_id"], ctx)
        return self._item(agreement, program_id)

    def compliance(self, office: str, ctx) -> dict:
        if ctx.role == "partner":
            raise Forbidden("a partner may not read an office's compliance summary")
        groups = self._all(keys.office_groups(office), keys.group)
        agreements = [a for g in groups for a in self._all(keys.agreement_index({"group_id": g["id"]}),
                                                            keys.agreement)]
        served = {g["id"]: len(set(self.redis.hvals(keys.served(g["id"])))) for g in groups}
        return domain.compliance(office, groups, agreements, served, self.today())

    def _item(self, agreement: dict, program_id: str) -> dict:
        program = domain.find_program(agreement, program_id)
        view = program_view(agreement, program, utilizations(self.redis, [program_id])[program_id])
        return {**view, "agreement_id": agreement["id"], "agreement_number": agreement["number"],
                "agreement_status": agreement["status"], "group_id": agreement["group_id"],
                "valid_until": agreement["valid_until"]}

    def _agreements(self, agreement_ids: set) -> dict:
        ids = sorted(agreement_ids)
        raws = self.redis.mget([keys.agreement(i) for i in ids]) if ids else []
        return {i: json.loads(raw) for i, raw in zip(ids, raws) if raw}

    def _all(self, index: str, record_key) -> list[dict]:
        """Every record of an index: an office's groups, a group's agreements (bounded by one office's size)."""
        ids = [member_id(member) for member in self.redis.zrangebylex(index, "-", "+")]
        raws = self.redis.mget([record_key(i) for i in ids]) if ids else []
        return [json.loads(raw) for raw in raws if raw]
