r"""Measure slider-to-pixels latency of every dashboard view against a bare widget echo, and the kernel cost of one update.

Run from the repository root::

    .venv/bin/python benchmarks/latency.py [--moves 30]

Browser part: Voila serves notebooks/dashboard.ipynb and the fixture
benchmarks/fixtures/echo.ipynb (a button that sets a text), each on its own
free 127.0.0.1 port with the repository's voila.json, and headless Chromium
opens both. For every tab in ``TABS`` whose app has a slider, one move is an
ArrowRight or ArrowLeft key press on its first visible ``.noUi-handle``. Its
latency runs from the keydown event to the first animation frame whose
canvas pixels differ (a hash of ``getImageData`` over the whole ipympl canvas,
computed in the page). One echo is an Enter key press on the button, timed
from keydown to the first animation frame whose text differs. View moves and
echoes alternate, so both see the same machine load.

Kernel part, in this process: for the same apps, one update (set the slider,
then ``fig.canvas.draw()`` and the PNG that ipympl sends) against the usual
pattern (the same figure re-created from scratch, rendered to PNG as the
inline backend does inside an Output widget, then ``plt.close``). The two
alternate in each repeat.
"""
import argparse
import base64
import io
import json
import math
import pickle
import statistics
import sys
import time

import _common

BLOCK = 5
MAX_TIMEOUTS = 2


# Browser part ----------------------------------------------------------------

def measure_browser(moves, warmup):
    """Return ``({label: [ms, ...]}, notes)`` for every slider view and the echo, moves interleaved.

    A move whose canvas does not change within ``TRIAL_TIMEOUT_MS`` is counted in
    the notes and left out, with its echo. A view with ``MAX_TIMEOUTS`` such moves
    is measured no further.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import sync_playwright

    from backprop_viz.testing.voila import launch_chromium, voila_server

    samples = {}
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

            samples = {title: [] for title, _ in views}
            samples["echo"] = []
            keys = {title: "ArrowLeft" for title, _ in views}
            timeouts = {title: 0 for title, _ in views}
            # Blocks of BLOCK moves per tab, so the tab switch and its redraw stay outside the timed moves.
            rounds = -(-(moves + warmup) // BLOCK)
            for round_index in range(rounds):
                for title, _ in views:
                    if timeouts[title] >= MAX_TIMEOUTS:
                        continue
                    page.bring_to_front()
                    _common.open_tab(page, title)
                    handle = _common.visible_handle(page)
                    _common.wait_quiet(page, _common.CANVAS_WATCH)
                    for move in range(BLOCK):
                        counted = round_index * BLOCK + move >= warmup
                        page.bring_to_front()
                        keys[title] = _common.next_key(handle, keys[title])
                        try:
                            latency = _common.timed_press(page, handle, keys[title], _common.CANVAS_WATCH,
                                                          timeout_ms=_common.TRIAL_TIMEOUT_MS)
                        except PlaywrightTimeoutError:
                            page.evaluate("() => window.bvProbe.stop()")
                            timeouts[title] += 1
                            if timeouts[title] >= MAX_TIMEOUTS:
                                break
                            continue
                        _common.wait_quiet(page, _common.CANVAS_WATCH)
                        echo_page.bring_to_front()
                        echo = _common.timed_press(echo_page, echo_button, "Enter", _common.TEXT_WATCH)
                        _common.wait_quiet(echo_page, _common.TEXT_WATCH)
                        if counted:
                            samples[title].append(latency)
                            samples["echo"].append(echo)
                print(f"  round {round_index + 1}/{rounds} done", file=sys.stderr, flush=True)
        finally:
            browser.close()
    for title, count in timeouts.items():
        if count:
            notes.append(f"{title}: {count} moves changed no canvas within {_common.TRIAL_TIMEOUT_MS / 1000:g} s; "
                         f"after {MAX_TIMEOUTS} such moves the view is no longer measured")
    return samples, notes


# Kernel part -------------------------------------------------------------------

def find_slider(widget):
    """Return the first displayed slider in a widget tree, or None."""
    import ipywidgets as widgets

    if isinstance(widget, (widgets.FloatSlider, widgets.IntSlider, widgets.FloatLogSlider)):
        return widget if widget.layout.display != "none" else None
    for child in getattr(widget, "children", ()):
        found = find_slider(child)
        if found is not None:
            return found
    return None


def next_value(slider, going_up):
    """Return the slider's value one step up or down, kept inside its range."""
    step = slider.step if going_up else -slider.step
    if type(slider).__name__ == "FloatLogSlider":
        exponent = math.log(slider.value, slider.base) + step
        return slider.base ** min(max(exponent, slider.min), slider.max)
    return min(max(slider.value + step, slider.min), slider.max)


def recreate_and_render(blob):
    r"""Re-create a figure and render it as the inline backend does inside an Output widget.

    The figure comes from a pickle of the app's figure, which rebuilds every
    artist without running the app's plotting code. NOTE: re-creating with
    plotting calls (``plt.subplots``, ``bar``, ``imshow``, texts) costs at least
    as much, so this lower bound makes the usual pattern look cheaper than
    it is, not dearer.
    """
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure
    from matplotlib_inline import backend_inline

    figure = pickle.loads(blob)
    manager = backend_inline.new_figure_manager_given_figure(max(plt.get_fignums(), default=0) + 1, figure)
    plt._pylab_helpers.Gcf._set_new_active_manager(manager)
    png = print_figure(figure, "png", bbox_inches="tight")
    message = json.dumps({"output_type": "display_data", "data": {"image/png": base64.b64encode(png).decode("ascii")}})
    plt.close(figure)
    return len(message)


def pickle_figure(figure):
    """Pickle ``figure`` as a plain figure, not one for pyplot to restore with the ipympl backend."""
    from matplotlib import _pylab_helpers

    manager = figure.canvas.manager
    registered = manager is not None and _pylab_helpers.Gcf.figs.get(manager.num) is manager
    if registered:
        _pylab_helpers.Gcf.figs.pop(manager.num)
    try:
        return pickle.dumps(figure)
    finally:
        if registered:
            _pylab_helpers.Gcf.figs[manager.num] = manager


def find_canvases(widget):
    """Return every ipympl canvas in a widget tree."""
    from ipympl.backend_nbagg import Canvas

    if isinstance(widget, Canvas):
        return [widget]
    return [canvas for child in getattr(widget, "children", ()) for canvas in find_canvases(child)]


def measure_kernel(titles, repeats):
    """Return ``{title: {"update": [...], "draw": [...], "usual": [...]}}`` in milliseconds.

    Only the figures that the update asks to show (``LessonFigure.refresh``)
    are drawn, as in the browser, and only those are re-created for the usual
    pattern.
    """
    from unittest import mock

    import matplotlib

    matplotlib.use("module://ipympl.backend_nbagg")
    from backprop_viz.apps.dashboard import TABS, load_app_class
    from backprop_viz.views import LessonFigure

    requested = []
    results = {}
    # Record the figures an update shows instead of drawing them inside the update, so the two are timed apart.
    with mock.patch.object(LessonFigure, "refresh", lambda figure: requested.append(figure)):
        for title, reference in TABS:
            if title in titles:
                times = time_updates(load_app_class(reference)(), requested, repeats)
                if times is not None:
                    results[title] = times
    return results


def time_updates(app, requested, repeats):
    """Return ``{"update": [...], "draw": [...], "usual": [...]}`` for moves of the app's first slider, or None.

    None means the app has no slider or canvas, or its slider shows no figure.
    """
    slider = find_slider(app.widget)
    canvases = find_canvases(app.widget)
    if slider is None or not canvases:
        return None
    for canvas in canvases:
        # What the browser sends once the canvas is shown: from then on ipympl
        # sends only changed pixels and no longer re-encodes the whole image.
        canvas._handle_message(canvas, {"type": "initialized"}, [])
        canvas.draw()
    times = {"update": [], "draw": [], "usual": []}
    going_up = True
    redrawn = 0

    for repeat in range(repeats + 2):
        # In place: the app updates its artists, then the kernel draws and sends the changed pixels as PNG.
        going_up = not going_up
        requested.clear()
        start = time.perf_counter()
        slider.value = next_value(slider, going_up)
        updated = time.perf_counter()
        for figure in dict.fromkeys(requested):
            figure.canvas.draw()
        drawn = time.perf_counter()

        # Usual pattern: the same computation, then new figures rendered to PNG and closed.
        going_up = not going_up
        requested.clear()
        start_usual = time.perf_counter()
        slider.value = next_value(slider, going_up)
        updated_usual = time.perf_counter()
        blobs = [pickle_figure(figure) for figure in dict.fromkeys(requested)]
        redrawn += bool(blobs)
        start_render = time.perf_counter()
        for blob in blobs:
            recreate_and_render(blob)
        rendered = time.perf_counter()
        for figure in requested:
            figure.canvas.draw()  # keeps the in-place figures current for the next repeat

        if repeat >= 2:
            times["update"].append(1000 * (updated - start))
            times["draw"].append(1000 * (drawn - start))
            times["usual"].append(1000 * ((updated_usual - start_usual) + (rendered - start_render)))
    return times if redrawn else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=30, help="counted slider moves per view, and echoes per view (default 30)")
    parser.add_argument("--warmup", type=int, default=5, help="moves per view not counted (default 5)")
    parser.add_argument("--repeats", type=int, default=20, help="in-process updates per pattern and view (default 20)")
    parser.add_argument("--kernel-only", action="store_true",
                        help="measure only the in-process kernel cost, for every tab in TABS, without a browser")
    arguments = parser.parse_args()
    for name in ("moves", "repeats"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name} must be >= 1, got {getattr(arguments, name)}")

    _common.print_header("Slider latency and kernel cost per update", browser=not arguments.kernel_only)
    if arguments.kernel_only:
        print_kernel_table(measure_kernel(_common.tab_titles(), arguments.repeats), arguments.repeats)
        return

    samples, notes = measure_browser(arguments.moves, arguments.warmup)
    echo = _common.summarize(samples.pop("echo"))
    print(f"Browser: keydown to first changed frame, in ms; echo over {echo['n']} presses interleaved with the moves")
    rows = [["echo (bare button)", echo["n"], f"{echo['median']:.1f}", f"{echo['p95']:.1f}", "1.00", "-", "-"]]
    for title, values in samples.items():
        stats = _common.summarize(values)
        ratio = stats["median"] / echo["median"]
        rows.append([title, stats["n"], f"{stats['median']:.1f}", f"{stats['p95']:.1f}", f"{ratio:.2f}",
                     "<= 1.25", _common.verdict(ratio, 1.25)])
    _common.print_table(["view", "moves", "median", "p95", "median / echo", "target", "result"], rows)
    for note in notes:
        print(note)
    print()

    print_kernel_table(measure_kernel(list(samples), arguments.repeats), arguments.repeats)


def print_kernel_table(kernel, repeats):
    """Print the in-process cost of one update per view against the usual pattern."""
    print(f"Kernel: one update in this process, in ms (median of {repeats})")
    rows = []
    for title, times in kernel.items():
        update = statistics.median(times["update"])
        in_place = statistics.median(times["draw"])
        usual = statistics.median(times["usual"])
        ratio = in_place / usual
        rows.append([title, f"{update:.1f}", f"{in_place:.1f}", f"{usual:.1f}", f"{ratio:.2f}", "<= 0.20",
                     _common.verdict(ratio, 0.20)])
    _common.print_table(["view", "compute + artists", "+ draw + PNG (ipympl)", "usual pattern", "ipympl / usual",
                         "target", "result"], rows)


if __name__ == "__main__":
    main()
