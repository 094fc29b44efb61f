"""The dashboard in headless chromium: the date it shows, the record's date, the legend, the
evidence as known on the date and the region table, against the real server whose clock is
just past midnight UTC (the browser's own clock says another day). Skips as tests/test_browser.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest

from tests.test_browser import browser_or_skip, chromium, shot, wait_for
from tests.test_cli import serving

#: The server's now: Poland's withdrawal from the Mine Ban Treaty took effect on this day.
NOW = "2026-02-20T00:30:00Z"
READY = (
    "return document.querySelectorAll('#map [data-iso3]').length >= 150"
    " && document.querySelectorAll('#votes tbody tr').length > 0"
    " && document.getElementById('message').textContent === ''"
)
SEEN = """return {
  date: document.getElementById('as_of').value,
  search: location.search,
  title: document.getElementById('map-title').textContent,
  asAt: document.getElementById('as-at').textContent,
  legend: Array.from(document.querySelectorAll('#legend li'), li => li.textContent),
  swatch: getComputedStyle(document.querySelector('#legend .swatch')).backgroundColor,
  regions: Array.from(document.querySelectorAll('#counts tbody th'), th => th.textContent),
  links: Array.from(document.querySelectorAll('footer a'), a => a.getAttribute('href')),
  poland: document.querySelector('#map [data-iso3="POL"]').getAttribute('aria-label'),
  timeline: [document.getElementById('timeline').getBoundingClientRect().width,
             document.getElementById('timeline').parentElement.clientWidth],
}"""
#: The Mine Ban Treaty's row of the country's statuses (the last: the API orders by slug).
MBT = """const row = [...document.querySelectorAll('#statuses tbody tr')].at(-1);
const [status, asAt, evidence] = row.querySelectorAll('td');
const items = (list) => (list ? Array.from(list.querySelectorAll('li'), li => li.textContent) : []);
return [row.querySelector('th').textContent, status.textContent, asAt.textContent,
  items(evidence.querySelector(':scope > ul')), items(evidence.querySelector('.later')),
  evidence.querySelector('.source').textContent]"""
#: Each table: its box's overflow-x and whether it scrolls; then the page's widths.
BOXES = """return Array.from(document.querySelectorAll('table'), t => t.parentElement).map(box =>
  [box.firstElementChild.id, getComputedStyle(box).overflowX, box.scrollWidth > box.clientWidth])
  .concat([['page', innerWidth, document.documentElement.scrollWidth]])"""


@pytest.fixture
def server(scratch_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The real server on a scratch database loaded from data/, its clock at NOW."""
    browser_or_skip()
    clock = tmp_path / "now"
    clock.write_text(NOW, encoding="utf-8")
    monkeypatch.setenv("TEST_CLOCK_FILE", str(clock))
    with serving(scratch_url) as base:
        yield base


def api(base: str, path: str) -> Any:
    with urlopen(base + path) as response:
        return json.load(response)


def test_dashboard_shows_the_api_date_the_record_date_and_evidence_on_it(server: str) -> None:
    from selenium.webdriver.common.keys import Keys

    counts = api(server, "/v1/treaties/mbt/counts")
    assert (counts["as_of"], counts["record_as_at"]) == ("2026-02-20", "2026-02-03")
    with chromium() as browser:
        browser.get(f"{server}/dashboard?country=POL")
        wait_for(browser, READY)
        seen = browser.execute_script(SEEN)
        assert seen.pop("date") == counts["as_of"]
        assert seen == {
            "search": "?treaty=mbt&country=POL",  # today stays the default
            "title": "Mine Ban Treaty: status of every state on 2026-02-20",
            "asAt": "Data as at 2026-02-03 (the latest date of this treaty's record). Statuses "
            "on 2026-02-20 are as known on 2026-02-03: later actions may be missing.",
            "legend": [
                "state party: 161",
                "pending entry into force: 0",
                "signatory: 0",
                "withdrawal pending: 0",
                "withdrawn: 5",
                "not party: 31",
            ],
            "swatch": "rgb(0, 114, 178)",  # the map's colour of a state party
            "regions": ["Africa", "Americas", "Asia", "Europe", "Oceania", "All"],
            "links": ["/docs", "/v1/bulk"],
            "poland": "Poland — withdrawn",
            "timeline": [1176, 1176],  # the whole width of its section
        }
        assert browser.execute_script(MBT) == [
            "Mine Ban Treaty",
            "withdrawn",
            "2026-02-03later actions may be missing",  # the date is past the record's
            [
                "1997-12-04 signature",
                "2012-12-27 ratification",
                "2025-08-20 withdrawal notified",
                "2026-02-20 withdrawal effective",
            ],
            [],
            "Source: UN Treaty Collection, as at 2026-02-03",
        ]
        shot(browser, "dashboard-1280.png")

        field = browser.find_element("id", "as_of")
        browser.execute_script("arguments[0].value = '2026-01-01'", field)
        browser.find_element("css selector", "#controls button").click()
        wait_for(browser, "return location.search.includes('as_of=2026-01-01')")
        wait_for(
            browser,
            READY + " && document.getElementById('map-title').textContent.endsWith('2026-01-01')",
        )
        assert browser.execute_script(MBT) == [
            "Mine Ban Treaty",
            "withdrawal pending",
            "2026-02-03",
            ["1997-12-04 signature", "2012-12-27 ratification", "2025-08-20 withdrawal notified"],
            ["2026-02-20 withdrawal effective"],  # apart, under "After 2026-01-01:"
            "Source: UN Treaty Collection, as at 2026-02-03",
        ]
        evidence = browser.find_element("id", "statuses").text
        assert "Convention on the Prohibition" not in evidence  # no full UNTC titles

        browser.execute_script("document.querySelector('#map [data-iso3=\"FRA\"]').focus()")
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        wait_for(browser, "return document.getElementById('country').value === 'FRA'")
        wait_for(browser, "return location.search.includes('country=FRA')")

        phone = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
        browser.get(f"{server}/dashboard?as_of=2026-01-01&country=POL")
        wait_for(browser, READY)
        assert browser.execute_script(BOXES) == [
            ["counts", "auto", True],  # too wide for a phone: it scrolls in its own box
            ["statuses", "auto", False],  # one block per row
            ["votes", "auto", False],
            ["page", 390, 390],
        ]
        shot(browser, "dashboard-390.png")
