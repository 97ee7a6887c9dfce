"""klien's use cases: load, check version, scope by role, let the domain decide, commit through
the unit of work (record, indexes, history, event and audit entry in one MULTI/EXEC)."""
from datetime import date

from services.klien import domain, keys, reporting
from services.klien.reporting_schemas import CheckInCreate
from services.klien.schemas import ClientCreate, StatusChange
from shared import clock, idempotency
from shared.context import system_context
from shared.errors import Forbidden, Invalid, NotFound
from shared.ids import new_id
from shared.pagination import decode_cursor, encode_cursor
from shared.records import check_version
from shared.scoping import owned

# Dumping turns loaded dates back into the ISO strings records keep; instances are reused (stateless).
_CLIENT, _CORRECTION, _STATUS = ClientCreate(), ClientCreate(partial=True), StatusChange()
_CHECK_IN = CheckInCreate()


class Clients:
    def __init__(self, uow, gatherer=None):
        self.uow = uow
        self.gatherer = gatherer          # the export's reader of bimbingan and pokmas

    def register(self, fields: dict, ctx) -> dict:
        change = domain.register(_CLIENT.dump(fields), new_id(), ctx)

        def work(tx):
            tx.clients.claim(None, change.client)
            return self._commit(tx, None, change, ctx)

        return self.uow.run(work)

    def correct(self, client_id: str, changes: dict, expected: int | None, ctx) -> dict:
        changes = _CORRECTION.dump(changes)

        def work(tx):
            client = tx.clients.get(client_id)
            check_version(client["version"], expected)
            change = domain.correct(client, changes, ctx)
            if not change.events:
                return domain.shown_to(client, ctx.role)
            tx.clients.claim(client, change.client)
            return self._commit(tx, client, change, ctx)

        return self.uow.run(work, keys.client(client_id))

    def change_status(self, client_id: str, body: dict, expected: int | None, ctx) -> dict:
        body = _STATUS.dump(body)
        if body["status"] == domain.ACTIVE and ctx.role != "admin":
            raise Forbidden("only an admin may set a client active again, to undo a status set in error")

        def work(tx):
            client = tx.clients.get(client_id)
            check_version(client["version"], expected)
            change = domain.change_status(client, body["status"], body["reason"], body["effective_date"], ctx)
            tx.clients.claim(client, change.client)   # active again: its NIK must be free among active clients
            return self._commit(tx, client, change, ctx)

        return self.uow.run(work, keys.client(client_id))

    @staticmethod
    def _commit(tx, before: dict | None, change: domain.Changed, ctx) -> dict:
        """The client with its indexes: its wajib lapor record says whether it is flagged and, with the
        client before and after (ended, active again, supervision_end corrected), its next open due date."""
        # A new client's id was made for it just now: no reporting record or guidance can name it yet.
        record = tx.reporting.get(change.client["id"]) if before is not None else None
        next_due = (reporting.next_open_due(record, before) if before else None,
                    reporting.next_open_due(record, change.client))
        tx.clients.save(before, change.client, change.history, _flagged(record), next_due)
        tx.commit(ctx, change.events)
        return domain.shown_to(change.client, ctx.role)

    def get(self, client_id: str, ctx) -> dict:
        """The client with its guidance; a partner gets id and name only, of its own participants."""
        def read(tx):
            if ctx.role == "partner":   # a missing client is the same 403 as another group's participant
                found = owned(lambda: tx.clients.get(client_id), ctx, lambda _client: ctx.group_id)
                return domain.partner_view({**found, "guidance": self._guidance(tx, client_id)}, ctx.group_id)
            client = tx.clients.get(client_id)
            record = tx.reporting.get(client_id)
            return domain.shown_to({**client, "guidance": self._guidance(tx, client_id),
                                    "reporting": reporting.summary(record, client) if record else None}, ctx.role)

        return self.uow.query(read)

    def page(self, args: dict, ctx) -> dict:
        """A PK's daily questions: by status, officer, type, name or register number, who needs attention,
        whose supervision ends within N days, whose next report falls due by a date, a client by NIK.
        Each client comes with its next open due date (and with guidance=true its guidance view), so a list
        of them needs no call per client."""
        filters = {name: args[name] for name in domain.LIST_FILTERS if args.get(name) is not None}
        query_words = []
        if args.get("q") is not None:
            query_words = domain.words(args["q"])
            if not query_words:
                raise Invalid({"q": ["search with at least one letter or digit"]})
        ending = None
        if args.get("ending_within_days") is not None:
            ending = domain.ending_window(clock.today().isoformat(), args["ending_within_days"])
        due_by = args["report_due_by"].isoformat() if args.get("report_due_by") else None

        def read(tx):
            items, next_cursor = tx.clients.search(
                filters, query_words, args.get("cursor"), args["limit"], attention=args.get("attention"),
                nik=args.get("nik"), ending=ending, due_by=due_by)
            records = tx.reporting.of_clients([c["id"] for c in items])
            guidance = self._guidance_of(tx, [c["id"] for c in items]) if args.get("guidance") else {}
            return [{**domain.shown_to(c, ctx.role), "next_report_due": reporting.next_open_due(records.get(c["id"]), c),
                     **({"guidance": guidance[c["id"]]} if guidance else {})} for c in items], next_cursor

        items, next_cursor = self.uow.query(read)
        return {"items": items, "next_cursor": next_cursor}

    def history(self, client_id: str, cursor: str | None, limit: int, ctx) -> dict:
        def read(tx):
            tx.clients.get(client_id)
            items, next_cursor = tx.clients.history(client_id, cursor, limit)
            return {"items": [domain.history_shown_to(e, ctx.role) for e in items], "next_cursor": next_cursor}

        return self.uow.query(read)

    def export(self, client_id: str, ctx) -> dict:
        """Everything about one client (UU 27/2022): klien's record and history, and what bimbingan and
        pokmas hold about its guidance; refused (503) rather than handed out incomplete."""
        def read(tx):
            client = {**tx.clients.get(client_id), "guidance": self._guidance(tx, client_id)}
            return {"client": client, "history": tx.clients.whole_history(client_id),
                    "reporting": {"record": tx.reporting.get(client_id),
                                  "check_ins": tx.reporting.all_check_ins(client_id)}}

        klien = self.uow.query(read)
        return {"exported_at": clock.instant(), "exported_by": ctx.actor, "klien": klien,
                **self.gatherer.gather(client_id)}

    @staticmethod
    def _guidance(tx, client_id: str) -> dict:
        entries = tx.clients.guidance(client_id)
        return domain.guidance(entries, *tx.clients.names(entries))

    @staticmethod
    def _guidance_of(tx, client_ids: list[str]) -> dict[str, dict]:
        """Each client's guidance view, as _guidance gives one: for a page of them, no read per client."""
        entries = tx.clients.guidance_of(client_ids)
        names = tx.clients.names([e for found in entries.values() for e in found])
        return {client_id: domain.guidance(found, *names) for client_id, found in entries.items()}

    @staticmethod
    def record_programs(tx, data: dict, ctx) -> None:
        """pokmas's agreement -> the names of its programs, for the guidance view."""
        tx.clients.save_programs(domain.program_names(data))
        tx.commit(ctx)

    @staticmethod
    def record_group(tx, data: dict, ctx) -> None:
        """pokmas's group -> its name, for the guidance view."""
        tx.clients.save_group({"id": data["id"], "name": data.get("name")})
        tx.commit(ctx)

    @staticmethod
    def record_enrollment(tx, data: dict) -> None:
        """bimbingan's newest state of an enrollment -> its entry in the client's guidance view
        (overwritten: the Applier drops duplicates and older sequences), and the client in or out of
        the attention list, which also counts a wajib lapor flag. It stages no event and no audit entry,
        so it needs no command context (a system context per event cost a clock reading)."""
        client_id = data["client_id"]
        tx.clients.save_guidance(client_id, domain.guidance_entry(data), _flagged(tx.reporting.get(client_id)))
        tx.commit()


def _flagged(record: dict | None) -> bool:
    """Whether the client's wajib lapor attention flag is up (the attention list's other source)."""
    return bool(record and record["attention"])


class Reporting:
    """Wajib lapor: the schedule, check-ins (idempotent), the worker's missed marking, the attention flag."""

    def __init__(self, uow, grace_days: int, today=clock.today):
        self.uow = uow
        self.grace_days = grace_days
        self.today = today

    def set_schedule(self, client_id: str, body: dict, expected: int | None, ctx) -> dict:
        def work(tx):
            client, record = self._load(tx, client_id)
            check_version(record["version"], expected)
            updated, changes = reporting.set_schedule(record, client, body["frequency"], body["first_due"],
                                                      self.today(), ctx)
            return self._commit(tx, client, record, updated, changes, ctx)

        return self._view(client_id, self.uow.run(work), None, 50)

    def check_in(self, client_id: str, body: dict, idempotency_key: str | None, ctx) -> tuple[dict, bool]:
        """The check-in recorded, and whether it answers a retry (the same Idempotency-Key) with the first result."""
        fields = _CHECK_IN.dump(body)

        def apply(tx):
            client, record = self._load(tx, client_id)
            updated, recorded, changes = reporting.check_in(record, client, {**fields, "id": new_id()}, self.today(),
                                                            self.grace_days, ctx)
            tx.reporting.save_check_in(recorded)
            self._commit(tx, client, record, updated, changes, ctx)
            return recorded

        return idempotency.once(self.uow, idempotency_key, (ctx.actor, f"/clients/{client_id}/check-ins"), fields,
                                apply)

    def clear_attention(self, client_id: str, note: str, expected: int | None, ctx) -> dict:
        def work(tx):
            client, record = self._load(tx, client_id)
            check_version(record["version"], expected)
            updated, changes = reporting.clear_attention(record, note, self.today(), ctx)
            return self._commit(tx, client, record, updated, changes, ctx)

        return self._view(client_id, self.uow.run(work), None, 50)

    def mark_missed_due(self, today: date | None = None) -> int:
        """The worker's task: due dates past their grace become missed, for every client whose look-up day
        has come; each client in a transaction of its own. Returns how many due dates this call marked."""
        today = today or self.today()
        due = self.uow.query(lambda tx: tx.reporting.to_look_at(today))
        return sum(self._mark_missed(client_id, today) for client_id in due)

    def _mark_missed(self, client_id: str, today: date) -> int:
        ctx = system_context("klien", new_id())

        def work(tx):
            try:
                client, record = self._load(tx, client_id)
            except NotFound:
                tx.reporting.look_on(client_id, None)
                tx.commit(ctx)
                return 0
            updated, changes = reporting.mark_missed(record, client, today, self.grace_days, ctx)
            self._commit(tx, client, record, updated, changes, ctx, today)
            return sum(isinstance(event, reporting.ReportingMissed) for event, _ in changes)

        return self.uow.run(work)

    def _load(self, tx, client_id: str) -> tuple[dict, dict]:
        client = tx.clients.get(client_id)
        return client, tx.reporting.get(client_id) or reporting.empty(new_id(), client_id)

    def _commit(self, tx, client: dict, before: dict, record: dict, changes: list, ctx,
                today: date | None = None) -> dict:
        """The record (when changed), when the worker should look again, the client in or out of the
        attention list (a cleared flag leaves it listed while its guidance's flag is up) and moved in the
        due lists when its next open due date changed (`before`: the record as loaded), and the events:
        one transaction."""
        if changes:
            tx.reporting.save(record)
            tx.clients.keep_attention(client, record["attention"] is not None)
            tx.clients.keep_next_due(client, reporting.next_open_due(before, client),
                                     reporting.next_open_due(record, client))
        tx.reporting.look_on(client["id"], reporting.next_look(record, client, today or self.today(), self.grace_days))
        tx.commit(ctx, reporting.published(client, changes))
        return record

    def view(self, client_id: str, cursor: str | None, limit: int) -> dict:
        return self._view(client_id, None, cursor, limit)

    def _view(self, client_id: str, record: dict | None, cursor: str | None, limit: int) -> dict:
        def read(tx):
            client = tx.clients.get(client_id)
            shown = record or tx.reporting.get(client_id) or reporting.empty(None, client_id)
            items, last = reporting.page(shown, reporting.due_dates(shown, client), _after(cursor), limit)
            return {**{k: shown[k] for k in ("id", "client_id", "version", "first_due", "attention", "attention_log")},
                    **reporting.summary(shown, client), "grace_days": self.grace_days, "items": items,
                    "next_cursor": encode_cursor(f"{last}|due") if last else None}

        return self.uow.query(read)

    def check_ins(self, client_id: str, cursor: str | None, limit: int) -> dict:
        def read(tx):
            tx.clients.get(client_id)
            items, next_cursor = tx.reporting.check_ins(client_id, cursor, limit)
            return {"items": items, "next_cursor": next_cursor}

        return self.uow.query(read)


def _after(cursor: str | None) -> str | None:
    """The last due date a page showed, from its cursor."""
    if cursor is None:
        return None
    day = decode_cursor(cursor).split("|")[0]
    try:
        return date.fromisoformat(day).isoformat()
    except ValueError:
        raise Invalid({"cursor": ["not a cursor of these due dates; use next_cursor from the previous page"]}) from None
