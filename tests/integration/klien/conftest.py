import pytest

from tests.support.client import ServiceApp


@pytest.fixture
def klien(redis_url):
    return ServiceApp("klien", redis_url)


@pytest.fixture
def officer(klien):
    return klien.as_("officer")


@pytest.fixture
def admin(klien):
    return klien.as_("admin")
