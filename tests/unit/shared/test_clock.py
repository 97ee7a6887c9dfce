"""The one settable clock: today is the date in BAPAS_TIMEZONE; tests move it in process or by file;
instants are RFC 3339 whatever the year a client sent (schemathesis sent the year 284)."""
from datetime import datetime, timedelta, timezone

import pytest

from shared import clock


@pytest.mark.parametrize("moment, expected", [
    (datetime(284, 6, 15, 9, 50, 17, 840910, tzinfo=timezone.utc), "0284-06-15T09:50:17.840Z"),
    (datetime(1, 1, 1, 7, 0, tzinfo=timezone(timedelta(hours=7))), "0001-01-01T00:00:00.000Z"),
    (datetime(2026, 11, 28, 23, 59, 59, 999999, tzinfo=timezone.utc), "2026-11-28T23:59:59.999Z"),
])
def test_instant_is_rfc_3339_for_any_year(moment, expected):
    assert clock.instant(moment) == expected
    assert datetime.fromisoformat(expected.replace("Z", "+00:00"))


@pytest.fixture(autouse=True)
def real_clock():
    yield
    clock.reset()


def test_today_is_the_date_in_bapas_timezone(monkeypatch):
    # 20:00 UTC is already the next day in Jakarta (UTC+7) and still the same day in UTC.
    late_utc = datetime(2026, 12, 1, 20, 0, tzinfo=timezone.utc)
    clock.travel(seconds=(late_utc - datetime.now(timezone.utc)).total_seconds())
    monkeypatch.delenv("BAPAS_TIMEZONE", raising=False)
    assert clock.today().isoformat() == "2026-12-02"
    monkeypatch.setenv("BAPAS_TIMEZONE", "UTC")
    assert clock.today().isoformat() == "2026-12-01"


def test_travel_moves_now_and_today_and_reset_brings_them_back():
    real = clock.today()
    clock.travel(days=31)
    assert clock.today() == real + timedelta(days=31)
    clock.reset()
    assert clock.today() == real


def test_a_running_stack_moves_by_the_clock_file(tmp_path, monkeypatch):
    path = tmp_path / "clock"
    monkeypatch.setenv("BAPAS_CLOCK_FILE", str(path))
    real = clock.today()
    assert clock.today() == real                      # no file yet: the real clock
    path.write_text("7")
    assert clock.today() == real + timedelta(days=7)
    path.write_text("14\n")
    assert clock.today() == real + timedelta(days=14)
