"""pokmas's use cases: load, check version, scope a partner to its own group, let the domain decide,
commit through the unit of work (record, indexes, event and audit entry in one MULTI/EXEC)."""
from datetime import date

from services.pokmas import domain, keys
from shared import clock
from shared.context import system_context
from shared.errors import Forbidden, Invalid, NotFound
from shared.ids import new_id
from shared.records import check_version
from shared.scoping import group_filter, owned


class Groups:
    def __init__(self, uow):
        self.uow = uow

    def register(self, body: dict, ctx) -> dict:
        group, events = domain.new_group(new_id(), body, ctx)

        def work(tx):
            tx.groups.claim_name(group)
            tx.groups.save(None, group)
            tx.commit(ctx, events)
            return group

        return self.uow.run(work)

    def update(self, group_id: str, changes: dict, expected: int | None, ctx) -> dict:
        def work(tx):
            before = tx.groups.get(group_id)
            check_version(before["version"], expected)
            after, events = domain.update_group(before, changes, ctx)
            if not events:
                return before
            tx.groups.claim_name(after)
            tx.groups.save(before, after)
            tx.commit(ctx, events)
            return after

        return self.uow.run(work, keys.group(group_id))

    def get(self, group_id: str, ctx) -> dict:
        return self.uow.query(lambda tx: owned(lambda: tx.groups.get(group_id), ctx, lambda group: group["id"]))

    def page(self, args: dict, ctx) -> dict:
        filters = {name: args[name] for name in keys.GROUP_FILTERS if args.get(name) is not None}
        if ctx.role == "partner":
            return self._own_group(filters, group_filter(None, ctx))
        items, next_cursor = self.uow.query(lambda tx: tx.groups.page(filters, args["cursor"], args["limit"]))
        return {"items": items, "next_cursor": next_cursor}

    def _own_group(self, filters: dict, group_id: str) -> dict:
        group = self.uow.query(lambda tx: tx.groups.find(group_id))
        matches = group is not None and all(group[name] == value for name, value in filters.items())
        return {"items": [group] if matches else [], "next_cursor": None}


class Agreements:
    def __init__(self, uow, today=clock.today):
        self.uow = uow
        self.today = today

    def create(self, body: dict, ctx) -> dict:
        fields = {**body, "group_id": str(body["group_id"]),
                  **{k: body[k].isoformat() for k in ("signed_on", "valid_from", "valid_until")}}
        programs = [domain.new_program(new_id(), program, ctx) for program in body["programs"]]
        agreement, events = domain.new_agreement(new_id(), fields, programs, ctx)

        def work(tx):
            if not tx.groups.exists(agreement["group_id"]):
                raise Invalid({"group_id": ["no group with this id"]})
            tx.agreements.claim_number(agreement["number"])
            counts = {p["id"]: domain.utilization([]) for p in programs}
            tx.agreements.save(None, agreement, counts)
            tx.commit(ctx, events)
            return domain.agreement_view(agreement, counts)

        return self.uow.run(work)

    def get(self, agreement_id: str, ctx) -> dict:
        def read(tx):
            agreement = owned(lambda: tx.agreements.get(agreement_id), ctx)
            return domain.agreement_view(agreement, tx.utilization.counts([p["id"] for p in agreement["programs"]]))

        return self.uow.query(read)

    def page(self, args: dict, ctx) -> dict:
        filters = {name: str(args[name]) for name in keys.AGREEMENT_FILTERS if args.get(name) is not None}
        filters["group_id"] = group_filter(filters.get("group_id"), ctx)

        def read(tx):
            items, next_cursor = tx.agreements.page({k: v for k, v in filters.items() if v is not None},
                                                    args["cursor"], args["limit"])
            counts = tx.utilization.counts([p["id"] for a in items for p in a["programs"]])
            views = [domain.agreement_view(a, counts) for a in items]
            return {"items": views, "next_cursor": next_cursor}

        return self.uow.query(read)

    def activate(self, agreement_id: str, expected: int | None, ctx) -> dict:
        return self._change(agreement_id, expected, ctx, lambda a: domain.activate(a, self.today(), ctx))

    def resume(self, agreement_id: str, expected: int | None, ctx) -> dict:
        return self._change(agreement_id, expected, ctx, lambda a: domain.resume(a, self.today(), ctx))

    def suspend(self, agreement_id: str, body: dict, expected: int | None, ctx) -> dict:
        return self._change(agreement_id, expected, ctx, lambda a: domain.suspend(a, body.get("reason"), ctx))

    def terminate(self, agreement_id: str, body: dict, expected: int | None, ctx) -> dict:
        return self._change(agreement_id, expected, ctx, lambda a: domain.terminate(a, body["reason"], ctx))

    def add_program(self, agreement_id: str, body: dict, expected: int | None, ctx) -> dict:
        program = domain.new_program(new_id(), body, ctx)
        return self._change(agreement_id, expected, ctx, lambda a: domain.add_program(a, program, ctx))

    def change_program(self, agreement_id: str, program_id: str, body: dict, expected: int | None, ctx) -> dict:
        def change(agreement):
            if domain.find_program(agreement, program_id) is None:
                raise NotFound(f"the agreement has no program with id {program_id}")
            return domain.change_program(agreement, program_id, body, ctx)

        return self._change(agreement_id, expected, ctx, change)

    def expire_due(self, today: date | None = None) -> int:
        """Expire every active agreement whose valid_until has passed; each in its own re-checked transaction."""
        today = today or self.today()
        due = self.uow.query(lambda tx: tx.agreements.due(today))
        return sum(self._expire(agreement_id, today) for agreement_id in due)

    def _expire(self, agreement_id: str, today: date) -> bool:
        ctx = system_context("pokmas", new_id())

        def work(tx):
            before = tx.agreements.find(agreement_id)
            if before is None or not domain.is_due(before, today):
                return False
            self._commit(tx, before, domain.expire(before, today, ctx), ctx)
            return True

        return self.uow.run(work, keys.agreement(agreement_id))

    def _change(self, agreement_id: str, expected: int | None, ctx, change) -> dict:
        def work(tx):
            before = tx.agreements.get(agreement_id)
            check_version(before["version"], expected)
            return self._commit(tx, before, change(before), ctx)

        return self.uow.run(work, keys.agreement(agreement_id))

    @staticmethod
    def _commit(tx, before: dict, changed: tuple, ctx) -> dict:
        """Read the programs' counts (watched: they place each program in the open or closed index), commit."""
        after, events = changed
        counts = tx.utilization.counts([p["id"] for p in after["programs"]])
        tx.agreements.save(before, after, counts)
        tx.commit(ctx, events)
        return domain.agreement_view(after, counts)


class Catalogue:
    """Reads across agreements: the program catalogue (where a client can go) and an office's compliance."""

    def __init__(self, uow, today=clock.today):
        self.uow = uow
        self.today = today

    def page(self, args: dict, ctx) -> dict:
        filters = {"group_id": group_filter(str(args["group_id"]) if args.get("group_id") else None, ctx),
                   "guidance_type": args.get("guidance_type"),
                   "open": None if args.get("open") is None else str(args["open"]).lower()}

        def read(tx):
            programs, next_cursor = tx.agreements.programs_page(filters, args["cursor"], args["limit"])
            counts = tx.utilization.counts([pid for pid, _agreement in programs])
            items = [domain.catalogue_item(agreement, pid, counts[pid]) for pid, agreement in programs]
            return {"items": items, "next_cursor": next_cursor}

        return self.uow.query(read)

    def get(self, program_id: str, ctx) -> dict:
        def read(tx):
            agreement = owned(lambda: _program_agreement(tx, program_id), ctx)
            return domain.catalogue_item(agreement, program_id, tx.utilization.counts([program_id])[program_id])

        return self.uow.query(read)

    def compliance(self, office: str, ctx) -> dict:
        if ctx.role == "partner":
            raise Forbidden("a partner may not read an office's compliance summary")

        def read(tx):
            groups = tx.groups.of_office(office)
            agreements = [a for g in groups for a in tx.agreements.of_group(g["id"])]
            served = {g["id"]: tx.groups.clients_served(g["id"]) for g in groups}
            return domain.compliance(office, groups, agreements, served, self.today())

        return self.uow.query(read)


def _program_agreement(tx, program_id: str) -> dict:
    agreement = tx.agreements.of_program(program_id)
    if agreement is None:
        raise NotFound(f"no program with id {program_id}")
    return agreement


class Utilization:
    """The utilization view, from bimbingan's events (the Applier drops duplicates and older sequences)."""

    @staticmethod
    def record_enrollment(tx, data: dict) -> None:
        """An enrollment's newest state -> the program's utilization entry and counts (from the entry it
        replaces: the same state again counts nothing); a program whose active count crosses its capacity
        moves between the catalogue's open and closed indexes. No event, no audit entry: no context."""
        program_id = data["program_id"]
        replaced = tx.utilization.entry(program_id, data["id"])
        before = tx.utilization.counts([program_id])[program_id]
        agreement = tx.agreements.of_program(program_id)
        after = domain.recounted(before, replaced["status"] if replaced else None, data["status"])
        entry = {"status": data["status"], "client_id": data["client_id"]}
        tx.utilization.save(program_id, data["group_id"], data["id"], entry, after)
        program = domain.find_program(agreement, program_id) if agreement else None
        if program is not None:
            tx.agreements.move_program(agreement, program, before["active"], after["active"])
        tx.commit()
