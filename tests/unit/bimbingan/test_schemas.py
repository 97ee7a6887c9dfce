"""bimbingan's request schemas and its event catalog."""
import pytest
from marshmallow import ValidationError

from services.bimbingan import schemas
from services.bimbingan.events import CATALOG


def test_withdrawal_takes_only_the_documented_reason_codes():
    for code in ("client_ended", "agreement_ended", "client_moved", "client_request", "non_attendance", "other"):
        assert schemas.Withdrawal().load({"reason_code": code})["reason_code"] == code
    with pytest.raises(ValidationError):
        schemas.Withdrawal().load({"reason_code": "transferred"})


def test_attendance_needs_records_with_a_known_mark():
    with pytest.raises(ValidationError):
        schemas.AttendanceBatch().load({"records": []})
    with pytest.raises(ValidationError):
        schemas.AttendanceBatch().load({"records": [{"enrollment_id": "not-a-uuid", "attendance": "present"}]})
    with pytest.raises(ValidationError):
        schemas.AttendanceBatch().load({"records": [{"enrollment_id": "5b7c1d2e-3f40-4a51-8b62-7c83d94ea5f6",
                                                     "attendance": "asleep"}]})


def test_every_catalog_example_matches_its_schema():
    for event_type in CATALOG:
        assert CATALOG.validated(event_type.type, event_type.example)


def test_event_data_refuses_a_note():
    example = CATALOG.get("bimbingan.enrollment.created").example
    with pytest.raises(ValueError):
        CATALOG.validated("bimbingan.enrollment.created", {**example, "note": "lives near the market"})
