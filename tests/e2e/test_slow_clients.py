"""200 slow or unfinished requests against a service of the running stack: its /healthz still
answers within 2 s (issue 14, item 1)."""
import time
from urllib.parse import urlparse

import pytest

from shared.config import SERVICES
from tests.support.slow_clients import close_all, healthz_seconds, open_slow_connections, trickle


@pytest.mark.parametrize("service", SERVICES)
def test_two_hundred_slow_connections_do_not_freeze_a_service(stack, service):
    base = stack.url(service)
    sockets = open_slow_connections(urlparse(base).port, 200)
    try:
        time.sleep(0.5)
        assert healthz_seconds(base, timeout=2) < 2
        trickle(sockets)
        time.sleep(1)
        assert healthz_seconds(base, timeout=2) < 2
    finally:
        close_all(sockets)
