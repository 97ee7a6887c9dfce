"""JSON text for what is stored (records, events, audit entries), by orjson: about a tenth of the
json module's cost (issue 21). Compact, text as UTF-8 rather than \\uXXXX escapes: `json.loads` gives
back what `json.dumps` would have written. What orjson refuses (an integer beyond 64 bits, a key that
is not a string, a lone surrogate, a datetime) goes to the json module, which writes it or raises as before."""
import json

import orjson

_PASSTHROUGH = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps(value, *, sort_keys: bool = False, default=None) -> str:
    """`default`, as for json.dumps, turns what neither encoder knows into something it does (logs: str)."""
    try:
        return orjson.dumps(value, default=default,
                            option=_PASSTHROUGH | (orjson.OPT_SORT_KEYS if sort_keys else 0)).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":"), sort_keys=sort_keys, default=default)
