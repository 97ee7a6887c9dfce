"""A date or an instant that cannot be read says which format to use (issue 13)."""
import pytest
from marshmallow import Schema, ValidationError

from shared.fields import IsoDate, IsoDateTime


class Dates(Schema):
    day = IsoDate()
    at = IsoDateTime()


@pytest.mark.parametrize("field, value, hint", [("day", "01-02-1990", "YYYY-MM-DD"), ("day", "soon", "YYYY-MM-DD"),
                                                ("at", "tomorrow 8am", "YYYY-MM-DDTHH:MM")])
def test_an_unreadable_date_names_the_format(field, value, hint):
    with pytest.raises(ValidationError) as caught:
        Dates().load({field: value})
    assert hint in caught.value.messages[field][0]
