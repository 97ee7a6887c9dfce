"""The events pokmas consumes: bimbingan's enrollment events -> the utilization view."""
from services.pokmas import keys
from services.pokmas.schemas import EnrollmentState
from shared.subscriptions import Subscriptions

subscriptions = Subscriptions()


def enrollment_reads(event: dict) -> list[tuple[str, ...]]:
    """What record_enrollment reads: the enrollment's entry in the program's view, the program's counts and
    how many entries it has (what the counts must count), the program's agreement id and that agreement (the
    one the event names; another one found there is read by the handler itself)."""
    data = event["data"]
    return [("HGET", keys.utilization(data["program_id"]), data["id"]),
            ("HGETALL", keys.utilization_counts(data["program_id"])), ("HLEN", keys.utilization(data["program_id"])),
            ("GET", keys.program(data["program_id"])), ("GET", keys.agreement(data["agreement_id"]))]


@subscriptions.handles("bimbingan.enrollment.created", "bimbingan.attendance.recorded",
                       "bimbingan.attendance.recounted", "bimbingan.enrollment.completed",
                       "bimbingan.enrollment.withdrawn", "bimbingan.enrollment.attention_required",
                       data=EnrollmentState, reads=enrollment_reads)
def enrollment_changed(cases, tx, data: dict, event: dict) -> None:
    cases.record_enrollment(tx, data)
