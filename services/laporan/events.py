"""laporan publishes no events: its catalog is empty (its /asyncapi.json lists no messages, its
/events feed stays empty). What it consumes, and what each event counts for:

- `klien.client.registered`, `.updated`, `.status_changed`: the client's office, supervision type,
  start, status and effective date. Clients registered, ended and active at the month's end; the
  office every enrollment, mark and wajib lapor outcome of the client counts in.
- `pokmas.group.registered`, `.updated`: the group's office (its name is read from pokmas over
  HTTP, see sources.py). The office of the group's figures.
- `pokmas.agreement.*`: number, status, validity, and each program's guidance type. Agreements
  expiring; figures by guidance type.
- `bimbingan.enrollment.created`, `.completed`, `.withdrawn`, `.attention_required`: status, start,
  end and outcome. Enrollments created, completed, withdrawn and active; group completions, outcomes.
- `bimbingan.attendance.recorded`: one mark per (enrollment, session). Attendance by kind; group
  participants and attendance rate; sessions held.
- `bimbingan.session.scheduled`, `.rescheduled`, `.cancelled`: date and status. The month of its
  marks; a cancelled session's marks stop counting.
- `klien.checkin.recorded`, `klien.reporting.missed`: one outcome per due date. Wajib lapor kept and
  missed (0 until klien publishes them).

The subscriptions themselves are declared in handlers.py, each beside its handler.
"""
from shared.catalog import Catalog

CATALOG = Catalog("laporan", [])
