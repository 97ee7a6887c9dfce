"""marshmallow fields shared by the services' schemas."""
from marshmallow import fields


class IsoDate(fields.Date):
    """A date that loads from YYYY-MM-DD and dumps either a date or an already-formatted string,
    so records kept as JSON can be returned through the same schema that validated them."""

    default_error_messages = {"invalid": "Not a valid date: use YYYY-MM-DD, e.g. 2026-12-05.",
                              "format": "Not a valid date: use YYYY-MM-DD, e.g. 2026-12-05."}

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)


class IsoDateTime(fields.DateTime):
    """Same for RFC 3339 instants."""

    default_error_messages = {"invalid": "Not a valid date and time: use YYYY-MM-DDTHH:MM, with an offset "
                                         "(+07:00, Z) or without one for local time where the BAPAS is.",
                              "format": "Not a valid date and time: use YYYY-MM-DDTHH:MM, with an offset "
                                        "(+07:00, Z) or without one for local time where the BAPAS is."}

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)
