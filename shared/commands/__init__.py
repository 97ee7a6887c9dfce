"""Operator subcommands of `bapas`; each module has register(subparsers) and is listed in
shared/cli.py's COMMAND_MODULES. Helpers here turn an unreachable dependency into one line
for the operator (a ValueError, which `bapas` prints) instead of a traceback."""
import contextlib

from kombu.exceptions import OperationalError

from shared import broker
from shared.errors import Unavailable


@contextlib.contextmanager
def broker_connection(url: str):
    with broker.connect(url) as connection:
        try:
            broker.ensure_connected(connection)
        except (OperationalError, OSError, *connection.connection_errors) as exc:
            raise ValueError(f"cannot reach the broker (BROKER_URL): {type(exc).__name__}: {exc}") from None
        yield connection


@contextlib.contextmanager
def feeds_reachable():
    try:
        yield
    except Unavailable as exc:
        raise ValueError(str(exc)) from None
