"""Instants are RFC 3339 whatever the year a client sent (schemathesis sent the year 284)."""
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
