"""The dashboard and an embed page in a real browser: headless chromium driven by Selenium.

Skipped when chromium, chromedriver or selenium is missing, unless REQUIRE_BROWSER=1 (CI),
then it fails. Screenshots go to var/screenshots/ (or SCREENSHOTS_DIR).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.config import PROJECT_ROOT
from tests.test_cli import serving

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
#: Where screenshots go: SCREENSHOTS_DIR, else var/screenshots/.
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or PROJECT_ROOT / "var" / "screenshots")
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1600",
]
POLAND = "document.querySelector('#map [data-iso3=\"POL\"] title')?.textContent"


def browser_or_skip() -> None:
    """Skip (or fail, with REQUIRE_BROWSER=1) when the browser or Selenium is missing."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    if missing:
        reason = f"no browser: missing {', '.join(missing)}"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (REQUIRE_BROWSER=1)")
        pytest.skip(reason)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    with chromium() as driver:
        yield driver


@contextmanager
def chromium() -> Iterator[WebDriver]:
    """Headless chromium on a throwaway profile (skips or fails as `browser_or_skip`)."""
    browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        for flag in [*FLAGS, f"--user-data-dir={profile}"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(
            service=Service(executable_path=str(CHROMEDRIVER)), options=options
        )
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture
def server(scratch_url: str) -> Iterator[str]:
    """The real server on a scratch database loaded from data/."""
    browser_or_skip()
    with serving(scratch_url) as base:
        yield base


def wait_for(driver: WebDriver, script: str, seconds: float = 30) -> object:
    """Wait until a script returns something truthy; return it."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(lambda d: d.execute_script(script))


def shot(driver: WebDriver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(SHOTS / name))


def csp_errors(driver: WebDriver) -> list[str]:
    """Errors the browser logged (CSP refusals, failed loads) but the missing favicon."""
    logs = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return [e["message"] for e in logs if e["level"] == "SEVERE" and "favicon" not in e["message"]]


def test_dashboard_and_embed_in_a_browser(browser: WebDriver, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(f"{server}/dashboard?as_of=2026-01-01")
    wait_for(browser, "return document.querySelectorAll('#map [data-iso3]').length >= 150")
    assert browser.execute_script(f"return {POLAND}") == "Poland — withdrawal pending"
    wait_for(browser, "return document.querySelectorAll('#counts tbody tr').length >= 5")
    wait_for(browser, "const t = document.getElementById('timeline'); return t.naturalWidth > 0")
    assert browser.find_element(By.ID, "treaty").get_attribute("value") == "mbt"

    date = browser.find_element(By.ID, "as_of")
    browser.execute_script(
        "arguments[0].value = '2026-02-20';"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        date,
    )
    wait_for(browser, f"return {POLAND} === 'Poland — withdrawn'")
    assert "as_of=2026-02-20" in browser.current_url

    Select(browser.find_element(By.ID, "country")).select_by_value("POL")
    wait_for(browser, "return document.querySelectorAll('#votes tbody tr').length > 10")
    statuses = browser.find_element(By.ID, "statuses").text
    assert "Mine Ban Treaty withdrawn 2026-02-03" in statuses
    assert "country=POL" in browser.current_url
    shot(browser, "dashboard.png")

    browser.execute_script(
        "document.querySelector('#map [data-iso3=\"FRA\"]')"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))"
    )
    wait_for(browser, "return document.getElementById('country').value === 'FRA'")
    wait_for(browser, "return document.getElementById('statuses').textContent.includes('state')")
    assert csp_errors(browser) == []

    phone = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
    browser.get(f"{server}/dashboard?as_of=2026-02-03&treaty=ccm&country=KGZ")
    wait_for(browser, "return document.querySelectorAll('#votes tbody tr').length > 0")
    widths = "return [window.innerWidth, document.documentElement.scrollWidth]"
    assert browser.execute_script(widths) == [390, 390]
    shot(browser, "dashboard-phone.png")

    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.set_window_size(1000, 760)
    browser.get(f"{server}/embed/treaties/mbt/map?as_of=2026-01-01")
    assert len(browser.find_elements(By.CSS_SELECTOR, "[data-iso3]")) >= 150
    date = browser.find_element(By.ID, "as_of")
    browser.execute_script("arguments[0].value = '2026-02-20'", date)
    browser.find_element(By.CSS_SELECTOR, "form button").click()
    wait_for(browser, "return location.search === '?as_of=2026-02-20'")
    poland = "document.querySelector('[data-iso3=\"POL\"] title').textContent"
    assert browser.execute_script(f"return {poland}") == "Poland — withdrawn"
    shot(browser, "embed-map.png")

    browser.get(f"{server}/embed/countries/POL?as_of=2026-01-01")
    assert (
        "Withdrawal pending, effective 2026-02-20"
        in browser.find_element(By.TAG_NAME, "table").text
    )
    shot(browser, "embed-country.png")
    assert csp_errors(browser) == []


def test_a_missing_browser_skips_unless_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "chromium")
    monkeypatch.delenv("REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium"):
        browser_or_skip()
    monkeypatch.setenv("REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_BROWSER=1"):
        browser_or_skip()
