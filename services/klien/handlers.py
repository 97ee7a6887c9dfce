"""The events klien consumes: bimbingan's enrollment events -> each client's guidance view; pokmas's
group and agreement events -> the names of the groups and programs that view shows."""
from services.klien import keys
from services.klien.schemas import AgreementPrograms, EnrollmentState, GroupName
from shared.context import system_context
from shared.subscriptions import Subscriptions

subscriptions = Subscriptions()


def enrollment_reads(event: dict) -> list[tuple[str, str]]:
    """What record_enrollment reads: the client's wajib lapor record and its guidance entries (the client
    itself only when its attention flag changes, seldom: then that read is a round trip of its own)."""
    client_id = event["data"]["client_id"]
    return [("GET", keys.reporting(client_id)), ("HVALS", keys.guidance(client_id))]


@subscriptions.handles("bimbingan.enrollment.created", "bimbingan.attendance.recorded",
                       "bimbingan.attendance.recounted", "bimbingan.enrollment.completed",
                       "bimbingan.enrollment.withdrawn", "bimbingan.enrollment.attention_required",
                       data=EnrollmentState, reads=enrollment_reads)
def enrollment_changed(cases, tx, data: dict, event: dict) -> None:
    cases.record_enrollment(tx, data)


@subscriptions.handles("pokmas.group.registered", "pokmas.group.updated", data=GroupName)
def group_changed(cases, tx, data: dict, event: dict) -> None:
    cases.record_group(tx, data, system_context("klien", event["correlationid"]))


@subscriptions.handles("pokmas.agreement.created", "pokmas.agreement.programs_changed", "pokmas.agreement.activated",
                       "pokmas.agreement.suspended", "pokmas.agreement.terminated", "pokmas.agreement.expired",
                       data=AgreementPrograms)
def agreement_changed(cases, tx, data: dict, event: dict) -> None:
    cases.record_programs(tx, data, system_context("klien", event["correlationid"]))
