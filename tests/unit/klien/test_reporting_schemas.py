"""Wajib lapor's request schemas: what a PK may send."""
import pytest
from marshmallow import ValidationError

from services.klien.reporting_schemas import AttentionClear, CheckInCreate, CheckInData, ScheduleSet


def errors(schema, body) -> dict:
    with pytest.raises(ValidationError) as caught:
        schema().load(body)
    return caught.value.messages


def test_a_schedule_needs_a_known_frequency_and_a_date():
    assert ScheduleSet().load({"frequency": "monthly", "first_due": "2027-01-31"})["first_due"].day == 31
    assert set(errors(ScheduleSet, {"frequency": "daily", "first_due": "2027-02-30"})) == {"frequency", "first_due"}


@pytest.mark.parametrize("kind", ["lapor_diri", "kunjungan_rumah", "daring"])
def test_the_three_kinds_of_check_in(kind):
    assert CheckInCreate().load({"date": "2026-12-01", "kind": kind})["kind"] == kind


@pytest.mark.parametrize("note", ["", "   ", "a\x00b", "a\x1b[31m", "x" * 2001])
def test_a_note_is_not_blank_nor_carries_control_characters(note):
    assert "note" in errors(CheckInCreate, {"date": "2026-12-01", "kind": "daring", "note": note})
    assert "note" in errors(AttentionClear, {"note": note})


def test_a_note_may_have_lines():
    assert AttentionClear().load({"note": "Dipanggil.\n\tKlien sakit."})["note"].startswith("Dipanggil")


def test_unknown_fields_and_a_missing_note_are_refused():
    assert "extra" in errors(CheckInCreate, {"date": "2026-12-01", "kind": "daring", "extra": 1})
    assert "note" in errors(AttentionClear, {})


def test_check_in_event_data_has_no_place_for_a_note():
    assert "note" not in CheckInData().fields
