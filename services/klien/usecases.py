"""klien's use cases: load, check version, scope by role, let the domain decide, commit through
the unit of work (record, indexes, history, event and audit entry in one MULTI/EXEC)."""
from services.klien import domain, keys
from services.klien.schemas import ClientCreate, StatusChange
from shared import clock
from shared.errors import Forbidden, Invalid
from shared.ids import new_id
from shared.records import check_version
from shared.scoping import owned

# Dumping turns loaded dates back into the ISO strings records keep; instances are reused (stateless).
_CLIENT, _CORRECTION, _STATUS = ClientCreate(), ClientCreate(partial=True), StatusChange()


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
        tx.clients.save(before, change.client, change.history)
        tx.commit(ctx, change.events)
        return domain.shown_to(change.client, ctx.role)

    def get(self, client_id: str, ctx) -> dict:
        """The client with its guidance; a partner gets id and name only, of its own participants."""
        def read(tx):
            if ctx.role == "partner":   # a missing client is the same 403 as another group's participant
                found = owned(lambda: tx.clients.get(client_id), ctx, lambda _client: ctx.group_id)
                return domain.partner_view({**found, "guidance": self._guidance(tx, client_id)}, ctx.group_id)
            client = tx.clients.get(client_id)
            return domain.shown_to({**client, "guidance": self._guidance(tx, client_id)}, ctx.role)

        return self.uow.query(read)

    def page(self, args: dict, ctx) -> dict:
        """A PK's daily questions: by status, officer, type, name or register number, who needs attention,
        whose supervision ends within N days, a client by NIK."""
        filters = {name: args[name] for name in domain.LIST_FILTERS if args.get(name) is not None}
        query_words = []
        if args.get("q") is not None:
            query_words = domain.words(args["q"])
            if not query_words:
                raise Invalid({"q": ["search with at least one letter or digit"]})
        ending = None
        if args.get("ending_within_days") is not None:
            ending = domain.ending_window(clock.today().isoformat(), args["ending_within_days"])
        items, next_cursor = self.uow.query(lambda tx: tx.clients.search(
            filters, query_words, args.get("cursor"), args["limit"], attention=args.get("attention"),
            nik=args.get("nik"), ending=ending))
        return {"items": [domain.shown_to(c, ctx.role) for c in items], "next_cursor": next_cursor}

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
            return {"client": client, "history": tx.clients.whole_history(client_id)}

        klien = self.uow.query(read)
        return {"exported_at": clock.instant(), "exported_by": ctx.actor, "klien": klien,
                **self.gatherer.gather(client_id)}

    @staticmethod
    def _guidance(tx, client_id: str) -> dict:
        entries = tx.clients.guidance(client_id)
        return domain.guidance(entries, *tx.clients.names(entries))

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
    def record_enrollment(tx, data: dict, ctx) -> None:
        """bimbingan's newest state of an enrollment -> its entry in the client's guidance view
        (overwritten: the Applier drops duplicates and older sequences)."""
        tx.clients.save_guidance(data["client_id"], domain.guidance_entry(data))
        tx.commit(ctx)
