import pytest

from tests.support.klien_app import Klien


@pytest.fixture
def klien(redis_url):
    return Klien(redis_url)


@pytest.fixture
def officer(klien):
    return klien.as_("officer")


@pytest.fixture
def admin(klien):
    return klien.as_("admin")
