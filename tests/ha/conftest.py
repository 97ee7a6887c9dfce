"""The high-availability drills (docs/operations.md, "High availability"): they kill and stop
containers of a compose stack of their own, so they run only when asked, with `--ha`:

    .venv/bin/pytest tests/ha --ha

`make test` (pytest tests) collects them and skips them, saying so. Each drill's stack is a
pytest-docker fixture in a module of its own, imported here so that it is started once per run.
"""
import pytest

from tests.ha.redis_stack import ha_redis_stack  # noqa: F401  (a fixture)
from tests.ha.rabbit_stack import cluster_stack, national_stacks  # noqa: F401  (fixtures)


def pytest_addoption(parser):
    parser.addoption("--ha", action="store_true", default=False,
                     help="run the high-availability drills in tests/ha (Docker engine needed)")


def pytest_collection_modifyitems(config, items):
    # The option exists only when tests/ha is named on the command line (its conftest is loaded
    # at start-up then): under `pytest tests` it is absent, which means "not asked for" too.
    if config.getoption("--ha", default=False):
        return
    skip = pytest.mark.skip(reason="high-availability drill: kills containers of its own compose stack; "
                                   "run with `pytest tests/ha --ha`")
    for item in items:
        if "tests/ha/" in item.nodeid:
            item.add_marker(skip)
