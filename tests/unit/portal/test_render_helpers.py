"""What the home page renders per row is computed once (issue 21): dates through a cache, labels resolved once
per language; the text is the same as flask_babel's."""
from datetime import date, datetime, timedelta

import pytest
from flask import session
from flask_babel import format_date, refresh
from markupsafe import Markup, escape

from services.portal import labels
from services.portal.app import _date


@pytest.mark.parametrize("language", ["id", "en"])
def test_dates_and_labels_read_as_flask_babel_writes_them(app, language):
    with app.test_request_context("/"):
        session["lang"] = language
        app.preprocess_request()
        refresh()
        days = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 400, 7)]
        assert [_date(day.isoformat()) for day in days] == [format_date(day, "d MMM yyyy") for day in days]
        assert _date(datetime(2026, 5, 1, 20, 0)) == format_date(datetime(2026, 5, 1, 20, 0), "d MMM yyyy")
        assert _date(None) == _date("not a date") == ""
        shown = labels.in_language()
        for code, text in labels.SUPERVISION_TYPES.items():
            assert shown.SUPERVISION_TYPES[code] == str(text) and escape(shown.SUPERVISION_TYPES[code]) == \
                Markup(text.__html__())
        assert shown.label is labels.label and labels.in_language() is shown     # once per language
    with app.test_request_context("/"):
        session["lang"] = "en" if language == "id" else "id"
        app.preprocess_request()
        refresh()
        assert labels.in_language() is not shown
