"""laporan publishes no events: its catalog is empty (its /asyncapi.json lists no messages, its
/events feed stays empty). What it consumes, and what each event counts for:

| consumed | laporan keeps | counts for |
|---|---|---|
| `klien.client.registered`, `.updated`, `.status_changed` | client: office, supervision type, start, status, effective date | clients registered / ended / active at the month's end; the office every enrollment, mark and wajib lapor fact of the client is attributed to |
| `pokmas.group.registered`, `.updated` | group: office (the name is read from pokmas over HTTP) | the office of the group's figures |
| `pokmas.agreement.*` | agreement: number, status, validity; its programs' guidance type | agreements expiring; figures by guidance type |
| `bimbingan.enrollment.created`, `.completed`, `.withdrawn`, `.attention_required` | enrollment: status, start date, end date, outcome | enrollments created / completed / withdrawn / active; group completions and outcomes |
| `bimbingan.attendance.recorded` | one mark per (enrollment, session) | attendance by kind; group participants and attendance rate; sessions held |
| `bimbingan.session.scheduled`, `.rescheduled`, `.cancelled` | session: date, status | the month of its marks; sessions held (a cancelled session's marks stop counting) |
| `klien.checkin.recorded`, `klien.reporting.missed` | one outcome per due date | wajib lapor kept / missed |

The subscriptions themselves are declared in handlers.py (SUBSCRIPTIONS).
"""
from shared.catalog import Catalog

CATALOG = Catalog("laporan", [])
