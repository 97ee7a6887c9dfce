"""The running stack for end-to-end tests: local processes by default, docker compose with --stack=compose."""
import pytest

from tests.support.client import ServiceClient, token
from tests.support.local_stack import LocalStack


@pytest.fixture(scope="session")
def stack(request):
    if request.config.getoption("--stack") == "compose":
        yield request.getfixturevalue("compose_stack")
        return
    local = LocalStack().start()
    yield local
    local.cleanup()


@pytest.fixture(scope="session")
def tokens(stack):
    """Make tokens for the stack's region: tokens("officer"), tokens("partner", group_id=...)."""
    def make(role: str = "admin", sub: str = "tester", group_id: str | None = None, region: str | None = None):
        return token(role=role, sub=sub, group_id=group_id, secret=stack.jwt_secret, region=region or stack.region)
    return make


@pytest.fixture(scope="session")
def admin(stack, tokens):
    """Admin clients for the three services: admin.klien.get(...), admin.pokmas..., admin.bimbingan..."""
    class Clients:
        klien = ServiceClient(stack.klien_url, tokens("admin", "e2e-admin"))
        pokmas = ServiceClient(stack.pokmas_url, tokens("admin", "e2e-admin"))
        bimbingan = ServiceClient(stack.bimbingan_url, tokens("admin", "e2e-admin"))
    return Clients
