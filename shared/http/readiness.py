"""/readyz: is this service's Redis reachable, and its broker? Each check says what failed."""
from shared import broker


def readiness(runtime) -> dict[str, str]:
    return {"redis": _check_redis(runtime.redis), "broker": _check_broker(runtime.settings)}


def _check_redis(client) -> str:
    try:
        client.ping()
        return "ok"
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"


def _check_broker(settings) -> str:
    try:
        with broker.connect(settings.effective_broker_url) as connection:
            broker.ensure_connected(connection, timeout=2)
        return "ok"
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"
