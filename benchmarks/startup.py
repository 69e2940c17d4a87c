r"""Measure the time from navigation to an interactive dashboard, against a bare one-slider notebook.

Run from the repository root::

    .venv/bin/python benchmarks/startup.py [--runs 5]

Voila serves notebooks/dashboard.ipynb and benchmarks/fixtures/one_slider.ipynb,
each on a free 127.0.0.1 port with the repository's voila.json, so both pay
the same kernel start on every page load. Each run opens a new browser
context (empty cache) and times, in the page, from navigation start to the
first animation frame in which the dashboard's first tab shows a painted
canvas and a number in its values table, or in which the fixture's slider
handle is shown. Dashboard and fixture runs alternate. ``--voila-arg`` passes
an option to both servers, to compare settings such as preheated kernels.
"""
import argparse
import sys

import _common

ONE_SLIDER_READY_SCRIPT = r"""
() => {
  const handle = document.querySelector('.bv-one-slider .noUi-handle');
  return handle !== null && handle.offsetParent !== null ? performance.now() : false;
}
"""


def time_load(browser, url, ready_script, install_probe):
    """Open ``url`` in a new context and return milliseconds from navigation start to ``ready_script``."""
    context = browser.new_context(viewport=_common.VIEWPORT)
    try:
        page = context.new_page()
        if install_probe:
            # Defined before any page script runs, so the ready check can use it from the first frame.
            page.add_init_script(f"({_common.PROBE_SCRIPT})()")
        page.goto(url, wait_until="commit", timeout=_common.PAGE_TIMEOUT_MS)
        ready = page.wait_for_function(ready_script, timeout=_common.PAGE_TIMEOUT_MS, polling="raf")
        return float(ready.json_value())
    finally:
        context.close()


def measure(runs, voila_arguments=()):
    """Return ``{"dashboard": [ms, ...], "one slider": [ms, ...]}`` with runs alternating."""
    from playwright.sync_api import sync_playwright

    from backprop_viz.testing.voila import launch_chromium, voila_server

    times = {"dashboard": [], "one slider": []}
    with voila_server(_common.DASHBOARD_NOTEBOOK, extra_args=voila_arguments) as dashboard_url, \
            voila_server(_common.ONE_SLIDER_NOTEBOOK, extra_args=voila_arguments) as slider_url, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            # One load of each first, not counted: it fills the operating system's file cache.
            time_load(browser, dashboard_url, _common.FIRST_TAB_READY_SCRIPT, True)
            time_load(browser, slider_url, ONE_SLIDER_READY_SCRIPT, False)
            for run in range(runs):
                times["dashboard"].append(time_load(browser, dashboard_url, _common.FIRST_TAB_READY_SCRIPT, True))
                times["one slider"].append(time_load(browser, slider_url, ONE_SLIDER_READY_SCRIPT, False))
                print(f"  run {run + 1}/{runs} done", file=sys.stderr, flush=True)
        finally:
            browser.close()
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="page loads of each notebook, alternating (default 5)")
    parser.add_argument("--voila-arg", action="append", default=[], metavar="OPTION",
                        help="an extra command-line option for both Voila servers, for example "
                             "--voila-arg=--VoilaConfiguration.preheat_kernel=True (repeatable)")
    arguments = parser.parse_args()
    if arguments.runs < 1:
        parser.error(f"--runs must be >= 1, got {arguments.runs}")

    _common.print_header("Start-up: navigation to an interactive page", browser=True)
    if arguments.voila_arg:
        print(f"extra Voila options: {' '.join(arguments.voila_arg)}\n")
    times = measure(arguments.runs, tuple(arguments.voila_arg))

    baseline = _common.summarize(times["one slider"])
    dashboard = _common.summarize(times["dashboard"])
    ratio = dashboard["median"] / baseline["median"]
    print("Milliseconds from navigation start to the first frame that is ready to use")
    rows = [
        ["one-slider notebook", baseline["n"], f"{baseline['median']:.0f}", f"{baseline['min']:.0f}",
         f"{baseline['max']:.0f}", "1.00", "-", "-"],
        ["dashboard", dashboard["n"], f"{dashboard['median']:.0f}", f"{dashboard['min']:.0f}",
         f"{dashboard['max']:.0f}", f"{ratio:.2f}", "<= 1.3", _common.verdict(ratio, 1.3)],
    ]
    _common.print_table(["page", "runs", "median", "min", "max", "median / one slider", "target", "result"], rows)


if __name__ == "__main__":
    main()
