"""The events bimbingan consumes: klien's client events and pokmas's agreement events -> the replicas
bimbingan decides on, and the withdrawals an ended client or agreement calls for (usecases.Reactions)."""
from services.bimbingan import keys
from services.bimbingan.schemas import AgreementState, ClientState
from shared.context import system_context
from shared.subscriptions import Subscriptions

subscriptions = Subscriptions()


def client_reads(event: dict) -> list[tuple[str, str]]:
    """What client_changed reads: the client's open enrollments (empty for a new client)."""
    return [("SMEMBERS", keys.client_open(event["data"]["id"]))]


@subscriptions.handles("klien.client.registered", "klien.client.updated", "klien.client.status_changed",
                       data=ClientState, reads=client_reads)
def client_changed(cases, tx, data: dict, event: dict) -> None:
    cases.client_changed(tx, data, system_context("bimbingan", event["correlationid"]))


@subscriptions.handles("pokmas.agreement.created", "pokmas.agreement.activated", "pokmas.agreement.programs_changed",
                       "pokmas.agreement.suspended", "pokmas.agreement.terminated", "pokmas.agreement.expired",
                       data=AgreementState)
def agreement_changed(cases, tx, data: dict, event: dict) -> None:
    cases.agreement_changed(tx, data, system_context("bimbingan", event["correlationid"]))
