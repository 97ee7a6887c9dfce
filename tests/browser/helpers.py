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


# What sticks out at the page's width now: an element whose box ends beyond the window (unless a box
# that fits clips it: a visually hidden table head), or a box that scrolls sideways inside the page (a
# table in an overflow-x box hides its last columns just as well).
WIDE = """() => { const width = document.documentElement.clientWidth, wide = [];
    const clipped = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
        if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= width + 1) return true;
      return false; };
    for (const e of document.querySelectorAll('body *')) {
      const box = e.getBoundingClientRect(), style = getComputedStyle(e);
      if (box.width === 0 || style.visibility === 'hidden' || box.right < 0) continue;   // hidden or moved off-screen
      const scrolls = /auto|scroll/.test(style.overflowX) && e.scrollWidth > e.clientWidth + 1;
      if ((box.right > width + 1 && !clipped(e)) || scrolls)
        wide.push(e.tagName.toLowerCase() + '.' + e.className + (scrolls ? ' scrolls ' + (e.scrollWidth - e.clientWidth)
          + 'px' : ' ends at ' + Math.round(box.right) + 'px') + ': ' + (e.textContent || '').trim().slice(0, 40));
    }
    return wide.slice(0, 5); }"""


def wide_parts(page) -> list:
    """What does not fit a 360 px screen on the page now open (empty when everything fits)."""
    size = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 740})
    try:
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        wide = page.evaluate(WIDE)
    finally:
        page.set_viewport_size(size)
    return ([f"{overflow}px wider than a 360px screen"] if overflow > 0 else []) + wide


def check_page(page, seen: dict) -> None:
    """axe and the 360 px check on the page now open; findings are kept by page title."""
    title = page.title()
    problems = serious_violations(page)
    problems += wide_parts(page)
    if problems:
        seen[title] = problems
