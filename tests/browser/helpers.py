"""What every browser test checks on a page: axe-core finds no serious or critical violation, and at
360 px wide nothing scrolls sideways."""
from axe_playwright_python.sync_playwright import Axe

from tests.support.portal_stack import PASSWORD

_axe = Axe()


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/masuk")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():        # the next check reads the page the sign-in led to, not /masuk
        page.click("main button[type=submit]")


def serious_violations(page) -> list:
    violations = _axe.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
            for v in violations if v["impact"] in ("serious", "critical")]


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than a 360 px screen (0 when it fits)."""
    size = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 740})
    try:
        return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    finally:
        page.set_viewport_size(size)


WIDE = """() => Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !(e.parentElement && e.parentElement.closest('.table-wrap')))
    .slice(-3).map(e => e.tagName.toLowerCase() + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 40))"""


def check_page(page, seen: dict) -> None:
    """axe and the 360 px check on the page now open; findings are kept by page title."""
    title = page.title()
    problems = serious_violations(page)
    overflow = horizontal_overflow(page)
    if overflow > 0:
        size = page.viewport_size
        page.set_viewport_size({"width": 360, "height": 740})
        problems.append(f"{overflow}px wider than a 360px screen: {page.evaluate(WIDE)}")
        page.set_viewport_size(size)
    if problems:
        seen[title] = problems
