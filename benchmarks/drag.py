r"""Measure how soon the final pixels appear after a continuous slider drag, against a bare widget echo.

Run from the repository root::

    .venv/bin/python benchmarks/drag.py [--rounds 3]

Voila serves notebooks/dashboard.ipynb and benchmarks/fixtures/echo.ipynb on
free 127.0.0.1 ports, and headless Chromium opens both. A drag is one key
press every 1/60 s for three seconds: ArrowRight on the first visible
``.noUi-handle`` of every tab in ``TABS`` that has a slider (after Home puts
the handle at its minimum), and Enter on the echo fixture's button. The
figure is the time from the last keydown that moved the handle (or clicked
the button) to the first animation frame that shows the final pixels: the
canvas hash, or the text, that stays once the page is quiet for 1.5 s.
Drags of the views and of the echo alternate in every round.
"""
import argparse
import sys
import time

import _common

RATE_HZ = 60
DURATION_S = 3.0
SETTLE_MS = 1500
SETTLE_TIMEOUT_MS = 120_000

# Returns {latency, effective, rate} once nothing changed for SETTLE_MS after the last event.
DRAG_RESULT_SCRIPT = r"""
(settleMs) => {
  const probe = window.bvProbe;
  const now = performance.now();
  const events = probe.events;
  if (!events.length || events.some((event) => event.value === undefined)) { return null; }
  const lastEvent = events[events.length - 1].time;
  if (now - lastEvent < settleMs || now - probe.lastChangeTime() < settleMs) { return null; }

  // A keydown counts when it moved the handle; the echo's presses carry no value and all count.
  let effective = [];
  let previous = probe.startValue;
  for (const event of events) {
    if (event.value === null || event.value !== previous) { effective.push(event); }
    if (event.value !== null) { previous = event.value; }
  }
  if (!effective.length) { return { latency: null, effective: 0, rate: 0 }; }
  const last = effective[effective.length - 1].time;
  const final = probe.changes[probe.changes.length - 1].value;
  const shown = probe.changes.find((change) => change.time >= last && change.value === final);
  const span = (events[events.length - 1].time - events[0].time) / 1000;
  return {
    latency: shown ? shown.time - last : 0,
    effective: effective.length,
    rate: span > 0 ? (events.length - 1) / span : 0,
  };
}
"""


def drag(page, locator, key, watch_script, start_value=None):
    """Press ``key`` at RATE_HZ for DURATION_S and return the drag result once the page is quiet."""
    locator.focus()
    page.evaluate(watch_script)
    page.evaluate("(value) => { window.bvProbe.startValue = value; }", start_value)
    count = int(RATE_HZ * DURATION_S)
    start = time.perf_counter()
    for index in range(count):
        delay = start + index / RATE_HZ - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        page.keyboard.press(key)
    handle = page.wait_for_function(DRAG_RESULT_SCRIPT, arg=SETTLE_MS, timeout=SETTLE_TIMEOUT_MS, polling=100)
    result = handle.json_value()
    page.evaluate("() => window.bvProbe.stop()")
    return result


def measure(rounds):
    """Return ``({label: [result, ...]}, notes)`` with view drags and echo drags alternating."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import sync_playwright

    from backprop_viz.testing.voila import launch_chromium, voila_server

    with voila_server(_common.DASHBOARD_NOTEBOOK) as dashboard_url, \
            voila_server(_common.ECHO_NOTEBOOK) as echo_url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport=_common.VIEWPORT)
            page.goto(dashboard_url, timeout=_common.PAGE_TIMEOUT_MS)
            page.wait_for_selector("[role='tab']", timeout=_common.PAGE_TIMEOUT_MS)
            _common.install_probe(page)
            views, notes = _common.find_slider_views(page)
            echo_page, echo_button = _common.open_echo(browser, echo_url)

            results = {title: [] for title, _ in views}
            results["echo"] = []
            for round_index in range(rounds):
                for title, _ in views:
                    page.bring_to_front()
                    _common.open_tab(page, title)
                    handle = _common.visible_handle(page)
                    handle.press("Home")
                    _common.wait_quiet(page, _common.CANVAS_WATCH, quiet_ms=500)
                    start_value = handle.get_attribute("aria-valuenow")
                    try:
                        results[title].append(drag(page, handle, "ArrowRight", _common.CANVAS_WATCH, start_value))
                    except PlaywrightTimeoutError:
                        page.evaluate("() => window.bvProbe.stop()")
                        notes.append(f"{title}: a drag did not settle within {SETTLE_TIMEOUT_MS / 1000:g} s")
                        continue

                    echo_page.bring_to_front()
                    _common.wait_quiet(echo_page, _common.TEXT_WATCH, quiet_ms=500)
                    results["echo"].append(drag(echo_page, echo_button, "Enter", _common.TEXT_WATCH))
                print(f"  round {round_index + 1}/{rounds} done", file=sys.stderr, flush=True)
        finally:
            browser.close()
    return results, notes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="drags per view and echo drags between them (default 3)")
    arguments = parser.parse_args()
    if arguments.rounds < 1:
        parser.error(f"--rounds must be >= 1, got {arguments.rounds}")

    _common.print_header("Continuous drag: last event to final pixels", browser=True)
    results, notes = measure(arguments.rounds)

    echo = _common.summarize([result["latency"] for result in results.pop("echo")])
    print(f"Milliseconds from the last effective key press to the final frame; {RATE_HZ} presses/s for {DURATION_S:g} s")
    rows = [["echo (bare button)", echo["n"], f"{echo['median']:.0f}", f"{echo['max']:.0f}", "-", "-", "-", "-"]]
    for title, drags in results.items():
        if not drags:
            continue
        stats = _common.summarize([result["latency"] for result in drags])
        ratio = stats["median"] / echo["median"]
        effective = min(result["effective"] for result in drags)
        rate = min(result["rate"] for result in drags)
        rows.append([title, stats["n"], f"{stats['median']:.0f}", f"{stats['max']:.0f}", f"{effective}",
                     f"{rate:.0f}", f"{ratio:.2f}", _common.verdict(ratio, 1.5)])
    _common.print_table(["view", "drags", "median", "max", "moves (min)", "presses/s (min)", "median / echo",
                         "target <= 1.5"], rows)
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
