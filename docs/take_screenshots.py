"""Serve the dashboard with Voila and save a Chromium screenshot of every tab.

Run from the repository root: ``.venv/bin/python docs/take_screenshots.py [OUTPUT_DIR]``
(default docs/images). The README shows one of these pictures.
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from backprop_viz.apps.dashboard import TABS
from backprop_viz.testing.voila import STARTUP_TIMEOUT, launch_chromium, voila_server


def file_name(title):
    """Turn a tab title such as "Cross-entropy" into "cross-entropy.png"."""
    return title.lower().replace(" ", "-") + ".png"


def main(output_dir):
    output_dir.mkdir(parents=True, exist_ok=True)
    with voila_server() as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1500, "height": 900})
        page.goto(url, timeout=STARTUP_TIMEOUT * 1000)
        page.wait_for_selector(".bv-softmax-table td", timeout=STARTUP_TIMEOUT * 1000)
        for title, _ in TABS:
            page.get_by_role("tab", name=title).click()
            page.wait_for_timeout(8000)
            page.screenshot(path=output_dir / file_name(title), full_page=True)
            print(output_dir / file_name(title))
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images"))
