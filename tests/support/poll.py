"""Bounded polling for what arrives asynchronously (events, views)."""
import time


def eventually(check, timeout: float = 10.0, interval: float = 0.05):
    """Call `check` until it returns a truthy value or stops raising AssertionError; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
            error = AssertionError(f"condition still false after {timeout}s")
        except AssertionError as exc:
            error = exc
        if time.monotonic() > deadline:
            raise error
        time.sleep(interval)
