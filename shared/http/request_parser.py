"""Request bodies parsed so that no JSON text, however built, can raise anything but "malformed".

Python's json raises RecursionError for arrays or objects nested about a thousand deep, and
ValueError (not JSONDecodeError) for an integer of more than 4,300 digits; webargs lets both
through as a 500. Here they are JSONDecodeErrors, which webargs answers with 400.
"""
import json

from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request


class BoundedParser(FlaskParser):
    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        try:
            return core.parse_json(data)
        except json.JSONDecodeError:
            raise
        except (RecursionError, ValueError) as exc:
            reason = "nested too deep" if isinstance(exc, RecursionError) else str(exc)
            raise json.JSONDecodeError(f"unreadable JSON: {reason}", doc=data[:100].decode("utf-8", "replace") or " ",
                                       pos=0) from None


def install() -> None:
    """flask-smorest takes the parser from the Blueprint class when a view is decorated, so this runs
    before any service builds its blueprints (at import of the app factory)."""
    Blueprint.ARGUMENTS_PARSER = BoundedParser()
