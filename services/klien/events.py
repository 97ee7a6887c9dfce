"""The events klien publishes: its catalog (schemas in schemas.py). Data: ids, codes, dates, statuses."""
from services.klien.reporting_schemas import (AttentionClearedData, AttentionData, CheckInData, MissedData,
                                              ScheduledData)
from services.klien.schemas import ClientEventData
from shared.catalog import Catalog, EventType

_REGISTERED = {"id": "3f0c1a52-8a9e-4c39-9f57-2a8e5d1c0b7e", "register_number": "PAS-2026-0001", "status": "active",
               "supervision_type": "PB", "officer_id": "pk-0007",
               "bapas_office": "palembang", "supervision_start": "2026-01-02", "supervision_end": "2027-01-01",
               "status_effective_date": None}
# 2: offence_category and decree_number left the data (criminal-record data travels in no event).
DATAVERSION = 2

_REPORTING_ID = "8d6f5c2e-1b7a-4e0f-9c3d-5a2b1e4f6a70"
_REPORTING = {"id": _REPORTING_ID, "reporting_id": _REPORTING_ID, "reporting_version": 1,
              "client_id": _REGISTERED["id"], "bapas_office": "palembang", "frequency": "weekly",
              "next_due": "2026-12-07", "kept": 0, "missed": 0, "run": 0, "attention_required": False}

CATALOG = Catalog("klien", [
    EventType("klien.client.registered", ClientEventData, "A client was registered for supervision.", _REGISTERED,
              DATAVERSION),
    EventType("klien.client.updated", ClientEventData,
              "A client's record was corrected (the data carries the state after it).",
              {**_REGISTERED, "officer_id": "pk-0011"}, DATAVERSION),
    EventType("klien.client.status_changed", ClientEventData,
              "A client's supervision ended: completed, revoked or transferred, from status_effective_date.",
              {**_REGISTERED, "status": "completed", "status_effective_date": "2027-01-01"}, DATAVERSION),
    EventType("klien.reporting.scheduled", ScheduledData,
              "A client's wajib lapor schedule was set or changed: its frequency and first due date from now on "
              "(past due dates stay as they were). Subject: the client's reporting record; sequence: its version. "
              "Every wajib lapor event carries the reporting state after it, ordered by reporting_version.",
              {**_REPORTING, "first_due": "2026-12-07"}),
    EventType("klien.checkin.recorded", CheckInData,
              "A check-in (lapor_diri, kunjungan_rumah or daring) was recorded; kept_due is the due date it kept, "
              "null when it kept none (a second check-in for a kept due date, or no schedule): count nothing then. "
              "Subject: the check-in (sequence 1).",
              {**_REPORTING, "id": "5b1d3c7e-2f4a-4b8c-9d0e-1f2a3b4c5d6e", "reporting_version": 2,
               "date": "2026-12-08", "kind": "lapor_diri", "kept_due": "2026-12-07", "kept": 1,
               "next_due": "2026-12-14"}),
    EventType("klien.reporting.missed", MissedData,
              "A due date passed its grace days (KLIEN_REPORTING_GRACE_DAYS) with no check-in; published once "
              "per due date. Subject: the due date (sequence 1). run counts the missed due dates in a row since "
              "the last kept one.",
              {**_REPORTING, "id": "0f6a3a53-93c1-5a4e-8f57-3c1b0d1e2a9b", "reporting_version": 2,
               "due_date": "2026-12-07", "missed": 1, "run": 1, "next_due": "2026-12-14"}),
    EventType("klien.client.attention_required", AttentionData,
              "Three due dates in a row were missed: the client's attention flag is raised (once, until a PK "
              "clears it). due_dates are the missed dates that raised it.",
              {**_REPORTING, "reason": "reporting_missed", "due_dates": ["2026-12-07", "2026-12-14", "2026-12-21"],
               "raised_on": "2026-12-25", "reporting_version": 5, "missed": 3, "run": 3, "next_due": "2026-12-28",
               "attention_required": True}),
    EventType("klien.client.attention_cleared", AttentionClearedData,
              "A PK cleared the client's wajib lapor attention flag (the note stays in klien, never in the event).",
              {**_REPORTING, "raised_on": "2026-12-25", "cleared_on": "2026-12-28", "reporting_version": 6,
               "missed": 3, "run": 3, "next_due": "2026-12-28"}),
])
