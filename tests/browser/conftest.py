"""Fixtures for browser tests: a Voila server on a free loopback port and headless Chromium."""
import pytest

from backprop_viz.testing.voila import STARTUP_TIMEOUT, launch_chromium, voila_server


@pytest.fixture(scope="session")
def voila_url(tmp_path_factory):
    """Serve notebooks/dashboard.ipynb and yield its URL; the server stops after the session."""
    log_path = tmp_path_factory.mktemp("voila") / "voila.log"
    with voila_server(log_path=log_path) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """The system Chromium, headless, driven by Playwright."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        instance = launch_chromium(playwright)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def dashboard(browser, voila_url):
    """Open the dashboard in a fresh page and wait until the first tab shows its values."""
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(voila_url, timeout=STARTUP_TIMEOUT * 1000)
    page.wait_for_selector(".bv-softmax-table td", timeout=STARTUP_TIMEOUT * 1000)
    yield page
    page.close()
