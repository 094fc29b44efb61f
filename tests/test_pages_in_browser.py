"""Every HTML page in headless chromium at phone, frame and desktop widths.

Each page is opened at 320, 390, 640 and 1280 px wide (the layout viewport; phones below
640 px are emulated as mobile) against the real server, whose clock is pinned by
TEST_CLOCK_FILE. Checked: each is HTML with its status and asks nothing of other servers; no
horizontal scroll; no visible text under 10 px (SVG text at its rendered size, inline or in an
<img>); the date field's default; axe-core (pinned in .ci/package.json) with no serious or
critical violation; every state on a map reachable and named by keyboard; and the embeds in
the frames /oembed sizes for them. Screenshots of the whole page go to SCREENSHOTS_DIR
(default var/screenshots/pages/).
"""

from __future__ import annotations

import base64
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from app.config import PROJECT_ROOT
from tests.conftest import scratch_database
from tests.test_browser import SHOTS, browser_or_skip, chromium, wait_for
from tests.test_cli import serving

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

AXE = PROJECT_ROOT / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
#: The server's now; its today is the default date of every page.
NOW = "2026-02-19T12:00:00Z"
TODAY = NOW[:10]
WIDTHS = (320, 390, 640, 1280)
#: The height of the viewport at each width: two phones, the oEmbed frame, a desktop.
HEIGHTS = {320: 640, 390: 844, 640: 480, 1280: 800}
MIN_TEXT_PX = 10.0


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    #: A script returning something truthy once the page has drawn its data.
    ready: str = "return document.readyState === 'complete'"
    status: int = 200


DASHBOARD_READY = (
    "const t = document.getElementById('timeline');"
    "return document.readyState === 'complete'"
    " && document.querySelectorAll('#map [data-iso3]').length >= 150"
    " && document.querySelectorAll('#votes tbody tr').length > 0"
    " && (!t || (t.complete && t.naturalWidth > 0))"
)
PAGES = {
    p.name: p
    for p in (
        Page("front", "/"),
        Page("dashboard", "/dashboard?country=POL", DASHBOARD_READY),
        Page("card-KGZ", "/embed/countries/KGZ"),
        Page("card-POL", "/embed/countries/POL"),
        Page("map", "/embed/treaties/mbt/map"),
        Page("error", "/embed/countries/Atlantis", status=404),
    )
}
#: The pages with a date field (`#as_of`) that shows the day shown: today by default.
DATED = ("dashboard", "map")
#: The pages with a world map whose states must be reachable by keyboard.
MAPS = ("dashboard", "map")


def cases(pages: tuple[str, ...] = tuple(PAGES), widths: tuple[int, ...] = WIDTHS) -> list[Any]:
    """(page, width) parameters of a check."""
    return [pytest.param(n, w, id=f"{n}-{w}") for n in pages for w in widths]


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real server on a scratch database loaded from data/, its clock at NOW."""
    browser_or_skip()
    folder = tmp_path_factory.mktemp("pages")
    clock = folder / "now"
    clock.write_text(NOW, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TEST_CLOCK_FILE", str(clock))
        with scratch_database(database_url, folder) as url, serving(url) as base:
            yield base


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    """One browser for the module. CSP is bypassed so axe and the measuring scripts run."""
    with chromium() as driver:
        driver.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})
        driver.set_script_timeout(120)
        yield driver


def open_page(driver: WebDriver, base: str, name: str, width: int) -> None:
    """Open a page at a width, wait until it has drawn, then save a screenshot of it whole."""
    metrics = {
        "width": width,
        "height": HEIGHTS[width],
        "deviceScaleFactor": 1,
        "mobile": width < 640,
    }
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    page = PAGES[name]
    driver.get(base + page.path)
    wait_for(driver, page.ready)
    settle(driver)
    got = driver.execute_script(
        "return [performance.getEntriesByType('navigation')[0].responseStatus,"
        " document.contentType]"
    )
    assert got == [page.status, "text/html"], f"{name}: status and type {got}"
    outside = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => !n.startsWith(location.origin + '/') && !n.startsWith('data:'))"
    )
    assert outside == [], f"{name}: requests outside the server: {outside}"
    screenshot(driver, f"{name}-{width}.png")


def settle(driver: WebDriver, quiet: float = 0.3, seconds: float = 10) -> None:
    """Wait until the page has loaded nothing new for `quiet` seconds."""
    count = "return performance.getEntriesByType('resource').length"
    deadline = time.monotonic() + seconds
    last = driver.execute_script(count)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = driver.execute_script(count)
        if now == last:
            return
        last = now


def screenshot(driver: WebDriver, name: str) -> Path:
    """The whole page as a PNG in the screenshots folder."""
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or SHOTS / "pages")
    folder.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    clip = {"x": 0, "y": 0, "width": width, "height": min(int(height), 8000), "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "png", "captureBeyondViewport": True, "clip": clip},
    )
    path = folder / name
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def test_the_screenshots_folder_is_chosen_by_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    class Fake:
        def execute_script(self, script: str) -> int:
            return 300

        def execute_cdp_cmd(self, cmd: str, args: dict[str, Any]) -> dict[str, str]:
            assert args["clip"] == {"x": 0, "y": 0, "width": 300, "height": 300, "scale": 1}
            return {"data": base64.b64encode(b"png").decode()}

    monkeypatch.setenv("SCREENSHOTS_DIR", str(tmp_path / "shots"))
    assert screenshot(Fake(), "a.png") == tmp_path / "shots" / "a.png"  # type: ignore[arg-type]
    assert (tmp_path / "shots" / "a.png").read_bytes() == b"png"


OVERFLOW = """
const root = document.documentElement;
const limit = root.clientWidth;
const wide = [];
for (const el of document.body ? document.body.querySelectorAll('*') : []) {
  const r = el.getBoundingClientRect();
  if (r.right > limit + 0.5 && r.width > 0 && el.checkVisibility()) {
    wide.push([el, Math.round(r.right)]);
  }
}
// Name only the outermost elements that stick out: their children follow them.
const outer = wide.filter(([el]) => !wide.some(([o]) => o !== el && o.contains(el)));
const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
  + (el.classList.length ? '.' + [...el.classList].join('.') : '');
return {
  scrollWidth: root.scrollWidth, clientWidth: limit,
  wide: outer.slice(0, 6).map(([el, right]) => name(el) + ' to ' + right + ' px'),
};
"""


@pytest.mark.parametrize(("name", "width"), cases())
def test_no_horizontal_scroll(driver: WebDriver, server: str, name: str, width: int) -> None:
    open_page(driver, server, name, width)
    got = driver.execute_script(OVERFLOW)
    assert got["clientWidth"] <= width, f"{name} {width} px: laid out {got['clientWidth']} px wide"
    assert got["scrollWidth"] <= got["clientWidth"], (
        f"{name} {width} px: scrollWidth {got['scrollWidth']} > clientWidth "
        f"{got['clientWidth']} because {', '.join(got['wide']) or '?'}"
    )


SMALL_TEXT = """
const [least] = args;
const scale = window.visualViewport ? window.visualViewport.scale : 1;
const name = el => {
  const classes = (el.getAttribute('class') || '').trim().split(/\\s+/).filter(Boolean);
  const s = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + classes.map(c => '.' + c).join('');
  const holder = el.parentElement && el.parentElement.closest('[id]');
  return holder ? s + ' in ' + holder.tagName.toLowerCase() + '#' + holder.id : s;
};
// The size text renders at: CSS px, times the SVG's scale for SVG text, times the page's.
const rendered = el => {
  const px = parseFloat(getComputedStyle(el).fontSize);
  const text = el instanceof SVGElement ? (el.closest('text') || el) : null;
  const m = text && text.getScreenCTM ? text.getScreenCTM() : null;
  return px * (m ? Math.hypot(m.c, m.d) : 1) * scale;
};
const small = [];
const measure = (root, where) => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.data.trim() || !el || seen.has(el)) continue;
    seen.add(el);
    if (el.closest('title, desc, script, style, noscript, template')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (![...range.getClientRects()].some(r => r.width > 0 && r.height > 0)) continue;
    const box = el.getBoundingClientRect();
    if (where === 'page' && (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
        || box.width <= 1 || box.height <= 1)) continue;
    const px = rendered(el);
    if (px < least - 0.05) {
      const text = node.data.trim().slice(0, 40);
      small.push(`${Math.round(px * 10) / 10} px "${text}" (${where}: ${name(el)})`);
    }
  }
};
measure(document.body, 'page');
// SVG drawn by <img>: the same markup in a shadow root at the image's rendered size.
const images = [...document.images].filter(img => img.complete && img.naturalWidth > 0
  && img.checkVisibility() && img.getBoundingClientRect().width > 0);
const probes = [];
for (const img of images) {
  const response = await fetch(img.currentSrc);
  if (!(response.headers.get('content-type') || '').includes('svg')) continue;
  const parsed = new DOMParser().parseFromString(await response.text(), 'image/svg+xml');
  const svg = parsed.documentElement;
  if (!svg.getAttribute('viewBox')) {
    const [w, h] = ['width', 'height'].map(a => parseFloat(svg.getAttribute(a)));
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  }
  const box = img.getBoundingClientRect();
  svg.setAttribute('width', box.width);
  svg.setAttribute('height', box.height);
  const host = document.createElement('div');
  host.style.cssText = 'position:absolute;left:0;top:0;opacity:0;pointer-events:none';
  const shadow = host.attachShadow({mode: 'open'});
  shadow.appendChild(document.importNode(svg, true));
  document.body.appendChild(host);
  probes.push(host);
  measure(shadow.firstChild, 'img ' + (img.id ? '#' + img.id : img.src.slice(0, 40)));
}
probes.forEach(host => host.remove());
done(small);
"""


def async_script(body: str) -> str:
    """An async function body as a Selenium async script (its last argument is the callback)."""
    return (
        "const done = arguments[arguments.length - 1];"
        f"(async (...args) => {{ {body} }})(...arguments)"
        ".catch(e => done(['script error: ' + e]));"
    )


@pytest.mark.parametrize(("name", "width"), cases())
def test_no_visible_text_under_10_px(driver: WebDriver, server: str, name: str, width: int) -> None:
    open_page(driver, server, name, width)
    small = driver.execute_async_script(async_script(SMALL_TEXT), MIN_TEXT_PX)
    assert small == [], f"{name} {width} px: {len(small)} texts under 10 px: " + "; ".join(
        small[:12]
    )


FAULTS = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Faults</title></head>
<body style="margin:8px"><table id="wide" style="width:500px"><tr><td>wide</td></tr></table>
<p id="tiny" style="font-size:8px">tiny</p><p style="font-size:8px;display:none">hidden</p>
<span style="position:absolute;width:1px;height:1px;overflow:hidden;font-size:8px">aside</span>
<svg id="chart" viewBox="0 0 1000 100" width="100%"><title>a tooltip</title>
<text x="0" y="50" font-size="20">scaled</text></svg>
<img id="chart-img" width="100" alt="chart" src="data:image/svg+xml,%3Csvg
 xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1000 100'%3E%3Ctext y='50'
 font-size='50'%3Edrawn%3C/text%3E%3C/svg%3E"></body></html>"""


def test_the_probes_find_what_they_look_for(driver: WebDriver) -> None:
    """On a page with known faults at 390 px: a 500 px table, 8 px text, SVG text drawn
    at 20 x 374/1000 px inline and at 50 x 100/1000 px in an <img>; hidden text ignored."""
    from urllib.parse import quote

    phone = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
    driver.get("data:text/html;charset=utf-8," + quote(FAULTS))
    wait_for(driver, "return document.images[0].complete")
    got = driver.execute_script(OVERFLOW)
    assert (got["clientWidth"], got["wide"]) == (390, ["table#wide to 508 px"])
    assert got["scrollWidth"] >= 508  # the phone zooms out to show it: a sideways scroll
    assert driver.execute_async_script(async_script(SMALL_TEXT), MIN_TEXT_PX) == [
        '8 px "tiny" (page: p#tiny)',
        '7.5 px "scaled" (page: text in svg#chart)',
        '5 px "drawn" (img #chart-img: text)',
    ]
    driver.get("data:text/html,<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>")
    driver.execute_script(axe_source())
    found = [v.split(" (")[0] for v in driver.execute_async_script(AXE_RUN)]
    assert sorted(found) == [
        "critical image-alt",
        "serious document-title",
        "serious html-has-lang",
    ]


@pytest.mark.parametrize(("name", "width"), cases(DATED))
def test_the_date_field_shows_today(driver: WebDriver, server: str, name: str, width: int) -> None:
    """Asked without `as_of`, the field shows the server's today: the day the page shows."""
    from selenium.webdriver.common.by import By

    open_page(driver, server, name, width)
    value = driver.find_element(By.ID, "as_of").get_attribute("value")
    assert value == TODAY, f"{name} {width} px: date field {value!r}, the server's today {TODAY}"


AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(result => done(
  result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v =>
    `${v.impact} ${v.id} (${v.help}) on ${v.nodes.length}: `
    + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' [' + (n.failureSummary || '')
      .replace(/\\s+/g, ' ').slice(0, 160) + ']').join(', '))
), e => done(['axe error: ' + e]));
"""


def axe_source() -> str:
    """axe.min.js from .ci/node_modules (`npm ci --prefix .ci`); skips or fails if absent."""
    if not AXE.is_file():
        reason = f"no axe-core: {AXE} missing (npm ci --prefix .ci --ignore-scripts)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def test_missing_axe_skips_unless_required(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys.modules[__name__], "AXE", tmp_path / "axe.min.js")
    monkeypatch.delenv("REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"axe\.min\.js missing"):
        axe_source()
    monkeypatch.setenv("REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_BROWSER=1"):
        axe_source()


@pytest.mark.parametrize(("name", "width"), cases())
def test_axe_finds_nothing_serious(driver: WebDriver, server: str, name: str, width: int) -> None:
    source = axe_source()
    open_page(driver, server, name, width)
    driver.execute_script(source)
    violations = driver.execute_async_script(AXE_RUN)
    assert violations == [], f"{name} {width} px: axe-core: " + " | ".join(violations)


STATES = """
const shapes = [...document.querySelectorAll('[data-iso3]')];
const unnamed = [], unfocusable = [];
for (const el of shapes) {
  const title = [...el.children].find(c => c.tagName.toLowerCase() === 'title');
  const label = (el.getAttribute('aria-label') || (title ? title.textContent : '')).trim();
  if (!label) unnamed.push(el.dataset.iso3);
  el.focus();
  if (document.activeElement !== el || el.tabIndex < 0) unfocusable.push(el.dataset.iso3);
}
document.activeElement && document.activeElement.blur();
return {count: shapes.length, unnamed, unfocusable};
"""


@pytest.mark.parametrize(("name", "width"), cases(MAPS, (390, 1280)))
def test_every_state_is_reached_and_named_by_keyboard(
    driver: WebDriver, server: str, name: str, width: int
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_page(driver, server, name, width)
    got = driver.execute_script(STATES)
    assert got["count"] >= 150, f"{name}: {got['count']} states on the map"
    assert got["unnamed"] == [], f"{name}: {len(got['unnamed'])} states without a name"
    assert got["unfocusable"] == [], (
        f"{name} {width} px: {len(got['unfocusable'])} of {got['count']} states not focusable "
        f"(tabindex), e.g. {got['unfocusable'][:5]}"
    )
    reached = "return document.activeElement?.dataset?.iso3 || ''"
    for _ in range(60):  # Tab from the top of the page reaches the map's states
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if driver.execute_script(reached):
            break
    assert driver.execute_script(reached), f"{name} {width} px: 60 Tabs reach no state"


FRAMED = ("card-KGZ", "card-POL", "map")
#: (maxwidth, maxheight) asked of /oembed: the smallest frame, a phone column, wider ones.
FRAMES = ((300, 250), (300, None), (390, None), (640, None), (1200, None))
#: Blank space the frame may leave below its content: the page's margins, a line or two.
SLACK_PX = 48
FIT = """
const root = document.documentElement;
const bottom = Math.max(0, ...[...document.body.querySelectorAll('*')]
  .filter(el => el.checkVisibility())
  .map(el => el.getBoundingClientRect().bottom + window.scrollY));
return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
  scrollHeight: root.scrollHeight, clientHeight: root.clientHeight, bottom: Math.ceil(bottom)};
"""


@pytest.mark.parametrize(
    ("name", "maxwidth", "maxheight"),
    [pytest.param(n, w, h, id=f"{n}-{w}x{h or 'any'}") for n in FRAMED for w, h in FRAMES],
)
def test_the_oembed_frame_fits_its_page(
    driver: WebDriver, server: str, name: str, maxwidth: int, maxheight: int | None
) -> None:
    """The page in the iframe /oembed gives: within the bounds asked, no sideways scroll, no
    text under 10 px, and (no height bound) as tall as its content."""
    import httpx

    asked: dict[str, str | int] = {"url": server + PAGES[name].path, "maxwidth": maxwidth}
    if maxheight:
        asked["maxheight"] = maxheight
    answer = httpx.get(f"{server}/oembed", params=asked, timeout=10).json()
    width, height = answer["width"], answer["height"]
    frame = f"{name} in its {width}x{height} oEmbed frame (asked {maxwidth}x{maxheight})"
    assert width <= maxwidth, frame
    assert height <= (maxheight or height), frame
    assert f'width="{width}" height="{height}"' in answer["html"], frame
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    driver.get(server + PAGES[name].path)
    wait_for(driver, PAGES[name].ready)
    settle(driver)
    screenshot(driver, f"{name}-frame-{width}x{height}.png")
    got = driver.execute_script(FIT)
    assert got["scrollWidth"] <= got["clientWidth"], f"{frame}: scrolls sideways, {got}"
    small = driver.execute_async_script(async_script(SMALL_TEXT), MIN_TEXT_PX)
    assert small == [], f"{frame}: text under 10 px: " + "; ".join(small[:12])
    if maxheight is None:
        assert got["scrollHeight"] <= got["clientHeight"], f"{frame}: content cut, {got}"
        assert height - got["bottom"] <= SLACK_PX, f"{frame}: blank below the content, {got}"
