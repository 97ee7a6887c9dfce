"""`bapas run` leaves no process behind: not when it is stopped (SIGTERM, as on Ctrl-C), and not
when it is killed, down to the HTTP server's worker processes (granian's do not watch their
parent by themselves; shared/http_server.py)."""
import os
import signal

import psutil
import pytest

from tests.support.local_stack import LocalStack
from tests.support.poll import eventually


def alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    return [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.parametrize("stop", ["sigterm", "sigkill"])
def test_no_process_outlives_the_stack(stop):
    stack = LocalStack(extra_env={"BAPAS_HTTP_SERVER": "granian"}).start()  # the server whose workers need it
    try:
        processes = psutil.Process(stack.process.pid).children(recursive=True)
        assert {"shared.http_server"} <= {part for p in processes for part in p.cmdline()}
        os.kill(stack.process.pid, signal.SIGTERM if stop == "sigterm" else signal.SIGKILL)
        stack.process.wait(timeout=30)
        eventually(lambda: not alive(processes), timeout=20, interval=0.2)
    finally:
        stack.cleanup()
