"""pokmas in process on a clean Redis: its app, a plain test client (tests pass headers()), its runtime
and its Applier."""
import pytest

from tests.support.client import ServiceApp


@pytest.fixture
def pokmas(redis_url):
    return ServiceApp("pokmas", redis_url)


@pytest.fixture
def app(pokmas):
    return pokmas.app


@pytest.fixture
def http(app):
    return app.test_client()


@pytest.fixture
def runtime(pokmas):
    return pokmas.runtime


@pytest.fixture
def redis(runtime):
    return runtime.redis


@pytest.fixture
def applier(pokmas):
    return pokmas.applier
