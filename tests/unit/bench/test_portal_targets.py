"""bench: the portal's target rows and the BENCH_ONLY switch (no stack; the figures are given)."""
import pytest

from bench.__main__ import SECTIONS, chosen
from bench.targets import PORTAL_P95_MS, Targets


def rows(home: tuple, page: tuple) -> list[dict]:
    targets = Targets()
    targets.portal({"PK home": {1000: (10, home[0]), 100_000: (12, home[1])},
                    "client page": {1000: (10, page[0]), 100_000: (12, page[1])}}, 1000, 100_000)
    return targets.rows


def test_a_page_under_the_limit_and_flat_is_met():
    home, page = rows((100, 120), (50, 74))
    assert home["target"].startswith("portal PK home p95 at 100,000 clients")
    assert page["target"].startswith("portal client page p95 at 100,000 clients")
    assert (home["result"], page["result"]) == ("met", "met")
    assert home["measured"] == "120 ms (100 ms at 1,000: 1.20 x)"


def test_over_the_limit_or_growing_with_the_region_is_not_met():
    home, page = rows((100, PORTAL_P95_MS + 1), (40, 61))      # too slow; 1.525 x the small region's
    assert (home["result"], page["result"]) == ("not met", "not met")


def test_bench_only_picks_sections_in_the_bench_order_and_refuses_unknown_ones():
    assert chosen("") == list(SECTIONS)
    assert chosen(" portal , scale") == ["scale", "portal"]
    with pytest.raises(SystemExit, match="unknown section.*portl"):
        chosen("portl")
