"""The events bimbingan publishes: its catalog. Enrollment events carry the enrollment's state."""
from services.bimbingan.schemas import AttendanceEventData, EnrollmentEventData, RecountEventData, SessionEventData
from shared.catalog import Catalog, EventType

_ENROLLMENT = {"id": "5b7c1d2e-3f40-4a51-8b62-7c83d94ea5f6", "client_id": "3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e",
               "program_id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d", "group_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
               "agreement_id": "7e6d5c4b-3a29-4181-9f0e-d1c2b3a49586", "status": "enrolled",
               "start_date": "2026-11-28", "sessions_attended": 0, "sessions_missed": 0, "consecutive_absences": 0,
               "outcome": None, "reason_code": None, "ended_on": None}
_ATTENDED = {**_ENROLLMENT, "sessions_attended": 1, "session_id": "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
             "attendance": "present", "pk_should_know": False}
_ABSENT_THRICE = {**_ENROLLMENT, "sessions_missed": 3, "consecutive_absences": 3}
_COMPLETED = {**_ENROLLMENT, "status": "completed", "sessions_attended": 8, "outcome": "achieved",
              "ended_on": "2027-02-28"}
_WITHDRAWN = {**_ENROLLMENT, "status": "withdrawn", "reason_code": "client_ended", "ended_on": "2026-12-15"}
_SESSION = {"id": "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f", "program_id": _ENROLLMENT["program_id"],
            "group_id": _ENROLLMENT["group_id"], "starts_at": "2026-12-01T02:00:00.000Z", "delivery": "in_person",
            "status": "scheduled"}

CATALOG = Catalog("bimbingan", [
    EventType("bimbingan.enrollment.created", EnrollmentEventData, "A client was enrolled in a program.",
              _ENROLLMENT),
    EventType("bimbingan.attendance.recorded", AttendanceEventData,
              "A session's attendance was recorded for an enrollment (a new mark replaces the earlier one "
              "for the same session); carries the enrollment's counts after it.", _ATTENDED),
    EventType("bimbingan.attendance.recounted", RecountEventData,
              "A session with marks was cancelled: its mark no longer counts, and the enrollment's attended and "
              "missed counts and run of absences are recomputed (carries the state after it).",
              {**_ENROLLMENT, "session_id": _ATTENDED["session_id"]}),
    EventType("bimbingan.enrollment.attention_required", EnrollmentEventData,
              "Three unexcused absences in a row: the supervising PK should act. Raised once per streak.",
              _ABSENT_THRICE),
    EventType("bimbingan.enrollment.completed", EnrollmentEventData, "An enrollment was completed with an outcome.",
              _COMPLETED),
    EventType("bimbingan.enrollment.withdrawn", EnrollmentEventData,
              "An enrollment was withdrawn, by a user or because the client or the agreement ended.", _WITHDRAWN),
    EventType("bimbingan.session.scheduled", SessionEventData, "A guidance session was scheduled.", _SESSION),
    EventType("bimbingan.session.rescheduled", SessionEventData, "A session was moved to another time.",
              {**_SESSION, "starts_at": "2026-12-02T02:00:00.000Z"}),
    EventType("bimbingan.session.cancelled", SessionEventData, "A session was cancelled.",
              {**_SESSION, "status": "cancelled"}),
])
