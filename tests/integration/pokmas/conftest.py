"""A pokmas app on a clean Redis, its test client and its runtime."""
import pytest

from services.pokmas.app import create_app
from shared.config import Settings
from tests.support.pokmas_api import REGION, SECRET


@pytest.fixture
def app(redis_url):
    return create_app(Settings(redis_url=redis_url, broker_url=redis_url, region=REGION, jwt_secret=SECRET))


@pytest.fixture
def http(app):
    return app.test_client()


@pytest.fixture
def runtime(app):
    return app.extensions["bapas"]


@pytest.fixture
def redis(runtime):
    return runtime.redis
