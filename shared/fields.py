"""marshmallow fields shared by the services' schemas."""
from marshmallow import fields


class IsoDate(fields.Date):
    """A date that loads from YYYY-MM-DD and dumps either a date or an already-formatted string,
    so records kept as JSON can be returned through the same schema that validated them."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)


class IsoDateTime(fields.DateTime):
    """Same for RFC 3339 instants."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)
