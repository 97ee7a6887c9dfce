"""The events pokmas consumes: bimbingan's enrollment events -> the utilization view."""
from services.pokmas.schemas import EnrollmentState
from shared.context import system_context
from shared.subscriptions import Subscriptions

subscriptions = Subscriptions()


@subscriptions.handles("bimbingan.enrollment.created", "bimbingan.attendance.recorded",
                       "bimbingan.enrollment.completed", "bimbingan.enrollment.withdrawn",
                       "bimbingan.enrollment.attention_required", data=EnrollmentState)
def enrollment_changed(cases, tx, data: dict, event: dict) -> None:
    cases.record_enrollment(tx, data, system_context("pokmas", event["correlationid"]))
