"""Helpers shared by the benchmark scripts: machine description, statistics, tables and page probes.

The scripts run from the repository root as ``.venv/bin/python benchmarks/NAME.py``,
so this module is imported as ``_common`` from the scripts' own folder.
"""
import os
import platform
import statistics
import subprocess
import sys
from importlib import metadata

import numpy as np

ECHO_NOTEBOOK = "benchmarks/fixtures/echo.ipynb"
ONE_SLIDER_NOTEBOOK = "benchmarks/fixtures/one_slider.ipynb"
DASHBOARD_NOTEBOOK = "notebooks/dashboard.ipynb"
VIEWPORT = {"width": 1500, "height": 1000}
PAGE_TIMEOUT_MS = 240_000

VERSIONED_PACKAGES = ("numpy", "torch", "matplotlib", "ipympl", "ipywidgets", "ipykernel", "voila", "playwright")


def package_version(name):
    """Return the installed version of ``name``, or "not installed"."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def chromium_version():
    """Return the first line of ``chromium --version``, or why it could not be read."""
    from backprop_viz.testing.voila import CHROMIUM

    try:
        completed = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unavailable ({error})"
    return completed.stdout.strip().splitlines()[0] if completed.stdout.strip() else "unavailable"


def describe_machine(browser=False):
    """Return the command, platform, CPU count and library versions, one line each."""
    command = " ".join([os.path.relpath(sys.executable), *sys.argv])
    lines = [
        f"command: {command}",
        f"platform: {platform.platform()}",
        f"processor: {platform.processor() or platform.machine()}",
        f"cpu count: {os.cpu_count()} (usable by this process: {len(os.sched_getaffinity(0))})",
        f"python: {platform.python_version()}",
    ]
    lines += [f"{name}: {package_version(name)}" for name in VERSIONED_PACKAGES]
    lines.append("OPENBLAS_CORETYPE: " + os.environ.get("OPENBLAS_CORETYPE", "(unset)"))
    if browser:
        lines.append(f"chromium: {chromium_version()}")
    return lines


def print_header(title, browser=False):
    """Print the title and the machine description."""
    print(title)
    print("=" * len(title))
    for line in describe_machine(browser=browser):
        print(line)
    print(flush=True)


def summarize(samples):
    """Return count, median, 95th percentile, minimum and maximum of ``samples``."""
    values = np.asarray(samples, dtype=np.float64)
    if values.size == 0:
        return {"n": 0, "median": float("nan"), "p95": float("nan"), "min": float("nan"), "max": float("nan")}
    return {
        "n": int(values.size),
        "median": float(statistics.median(values)),
        "p95": float(np.percentile(values, 95)),
        "min": float(values.min()),
        "max": float(values.max()),
    }


def print_table(columns, rows):
    """Print ``rows`` (lists of cells) under ``columns`` with aligned, right-justified cells."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(str(column)), *(len(row[index]) for row in cells)) for index, column in enumerate(columns)]
    header = "  ".join(str(column).rjust(width) for column, width in zip(columns, widths))
    print(header)
    print("-" * len(header))
    for row in cells:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
    print(flush=True)


def verdict(value, limit):
    """Return "met" or "missed by X%" for a figure that must be <= ``limit``."""
    if not np.isfinite(value):
        return "not measured"
    if value <= limit:
        return "met"
    return f"missed by {100.0 * (value / limit - 1.0):.0f}%"


def tab_titles():
    """Return the dashboard's tab titles in order, as listed in ``TABS``."""
    from backprop_viz.apps.dashboard import TABS

    return [title for title, _ in TABS]


# JavaScript run in the page. Times are performance.now() values in milliseconds.
# The canvas hash covers every pixel, so a changed annotation is seen as well as a
# changed bar. The polling loop runs on requestAnimationFrame, so a change is
# seen in the first frame that shows it, for canvases and texts alike.
PROBE_SCRIPT = r"""
() => {
  if (window.bvProbe) { return; }
  const isVisible = (element) => element.offsetParent !== null && element.getClientRects().length > 0;
  const appClass = (element) => [...element.classList].find((name) => /^bv-.+-app$/.test(name));
  const canvasHash = (canvas) => {
    const { width, height } = canvas;
    if (!width || !height) { return 0; }
    const bytes = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
    let hash = 0x811c9dc5;
    for (let index = 0; index < words.length; index++) { hash = Math.imul(hash ^ words[index], 16777619); }
    return hash;
  };
  const canvasPainted = (canvas) => {
    const { width, height } = canvas;
    if (!width || !height) { return false; }
    const bytes = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    for (let index = 3; index < bytes.length; index += 4 * 97) { if (bytes[index] !== 0) { return true; } }
    return false;
  };
  const probe = {
    target: null,
    read: null,
    events: [],
    changes: [],
    listening: false,
    drawn: false,

    visibleApp() {
      return [...document.querySelectorAll('[class*="bv-"]')].find((element) => appClass(element) && isVisible(element)) || null;
    },
    visibleAppClass() {
      const app = probe.visibleApp();
      return app ? appClass(app) : null;
    },
    mainCanvas(root) {
      // ipympl draws the figure on its first canvas; the second one only shows the zoom rectangle.
      return [...root.querySelectorAll('canvas')].find(isVisible) || null;
    },
    watchCanvas(root) {
      // Every visible canvas of the app, since a slider may redraw a figure other than the first.
      const canvases = [...root.querySelectorAll('canvas')].filter(isVisible);
      if (!canvases.length) { return false; }
      // Hash again only in a frame after something drew on a canvas, so quiet frames cost nothing,
      // as reading the echo's text costs nothing.
      let value = null;
      probe.start(() => {
        if (value === null || probe.drawn) {
          probe.drawn = false;
          value = canvases.map(canvasHash).join(',');
        }
        return value;
      });
      return true;
    },
    watchText(element) {
      probe.start(() => element.textContent);
      return true;
    },
    start(read) {
      probe.read = read;
      probe.events = [];
      probe.changes = [{ time: performance.now(), value: read() }];
      if (!probe.listening) {
        document.addEventListener('keydown', (event) => {
          const handle = event.target.closest ? event.target.closest('.noUi-handle') : null;
          const record = { time: performance.now(), value: undefined };
          const readValue = () => {
            if (record.value === undefined) { record.value = handle ? handle.getAttribute('aria-valuenow') : null; }
          };
          probe.events.push(record);
          probe.pendingRead = readValue;
          // noUiSlider moves the handle in its own keydown listener on the handle, which runs
          // after this capturing one and before the window's bubbling one below. The timeout
          // is a fallback for an event whose propagation was stopped.
          setTimeout(readValue, 0);
        }, true);
        window.addEventListener('keydown', () => { if (probe.pendingRead) { probe.pendingRead(); } });
        probe.listening = true;
      }
      const loop = () => {
        if (probe.read !== read) { return; }
        const value = read();
        if (value !== probe.changes[probe.changes.length - 1].value) {
          probe.changes.push({ time: performance.now(), value });
        }
        requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
    },
    stop() { probe.read = null; },
    firstChangeAfterFirstEvent() {
      if (!probe.events.length) { return null; }
      const start = probe.events[0].time;
      const change = probe.changes.find((entry) => entry.time >= start);
      return change ? change.time - start : null;
    },
    lastChangeTime() { return probe.changes[probe.changes.length - 1].time; },
    canvasPainted,
  };
  // ipympl puts every image on its canvases with these methods.
  for (const name of ['drawImage', 'putImageData', 'clearRect', 'fillRect', 'strokeRect']) {
    const original = CanvasRenderingContext2D.prototype[name];
    CanvasRenderingContext2D.prototype[name] = function (...args) {
      probe.drawn = true;
      return original.apply(this, args);
    };
  }
  window.bvProbe = probe;
}
"""

# True once the visible app shows a painted canvas and, when it has a values
# table, a number in it.
APP_READY_SCRIPT = r"""
() => {
  const app = window.bvProbe && window.bvProbe.visibleApp();
  if (!app) { return false; }
  const canvas = window.bvProbe.mainCanvas(app);
  if (!canvas || !window.bvProbe.canvasPainted(canvas)) { return false; }
  const cells = [...app.querySelectorAll('table.bv-values td')];
  const isNumber = (cell) => cell.textContent.trim() !== '' && !Number.isNaN(Number(cell.textContent));
  return app.querySelector('table.bv-values') === null || cells.some(isNumber);
}
"""

# The same for the dashboard's start-up, where the first tab must show both.
FIRST_TAB_READY_SCRIPT = r"""
() => {
  const app = window.bvProbe && window.bvProbe.visibleApp();
  if (!app) { return false; }
  const canvas = window.bvProbe.mainCanvas(app);
  const cells = [...app.querySelectorAll('table.bv-values td')];
  const isNumber = (cell) => cell.textContent.trim() !== '' && !Number.isNaN(Number(cell.textContent));
  return canvas !== null && window.bvProbe.canvasPainted(canvas) && cells.some(isNumber) ? performance.now() : false;
}
"""
TAB_TIMEOUT_MS = 90_000


def install_probe(page):
    """Define ``window.bvProbe`` in ``page`` (idempotent)."""
    page.evaluate(PROBE_SCRIPT)


def open_tab(page, title, timeout_ms=TAB_TIMEOUT_MS):
    """Select the dashboard tab ``title`` and wait until its app shows a painted canvas and its values.

    Returns the app's ``bv-*-app`` class. A tab whose app has no canvas never
    becomes ready and raises Playwright's ``TimeoutError``.
    """
    page.get_by_role("tab", name=title, exact=True).click()
    page.wait_for_function(APP_READY_SCRIPT, timeout=timeout_ms, polling="raf")
    return page.evaluate("() => window.bvProbe.visibleAppClass()")


# Marks the first visible slider handle of the visible app with data-bv-probe-handle="1".
# Returns whether there was one.
MARK_HANDLE_SCRIPT = r"""() => {
      document.querySelectorAll('[data-bv-probe-handle]').forEach((element) => element.removeAttribute('data-bv-probe-handle'));
      const app = window.bvProbe.visibleApp();
      const handle = app && [...app.querySelectorAll('.noUi-handle')].find((element) => element.offsetParent !== null);
      if (!handle) { return false; }
      handle.setAttribute('data-bv-probe-handle', '1');
      return true;
    }"""


def visible_handle(page):
    """Return a locator for the first visible slider handle inside the visible app, or None."""
    found = page.evaluate(MARK_HANDLE_SCRIPT)
    return page.locator("[data-bv-probe-handle='1']") if found else None


MOVE_TIMEOUT_MS = 30_000
TRIAL_TIMEOUT_MS = 15_000
QUIET_MS = 250


def wait_quiet(page, watch_script, quiet_ms=QUIET_MS, timeout_ms=MOVE_TIMEOUT_MS):
    """Watch with ``watch_script`` until nothing changed for ``quiet_ms``, so a late redraw is not timed."""
    page.evaluate(watch_script)
    page.wait_for_function(f"() => performance.now() - window.bvProbe.lastChangeTime() > {quiet_ms}",
                           timeout=timeout_ms, polling="raf")
    page.evaluate("() => window.bvProbe.stop()")


def timed_press(page, locator, key, watch_script, timeout_ms=MOVE_TIMEOUT_MS):
    """Press ``key`` on ``locator`` and return milliseconds from keydown to the first changed frame."""
    page.evaluate(watch_script)
    locator.press(key)
    page.wait_for_function("() => window.bvProbe.firstChangeAfterFirstEvent() !== null",
                           timeout=timeout_ms, polling="raf")
    latency = page.evaluate("() => window.bvProbe.firstChangeAfterFirstEvent()")
    page.evaluate("() => window.bvProbe.stop()")
    return latency


def next_key(locator, previous):
    """Return the arrow key that keeps the handle inside its range, alternating otherwise."""
    now, low, high = (float(locator.get_attribute(name)) for name in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
    if now >= high:
        return "ArrowLeft"
    if now <= low:
        return "ArrowRight"
    return "ArrowLeft" if previous == "ArrowRight" else "ArrowRight"


CANVAS_WATCH = "() => window.bvProbe.watchCanvas(window.bvProbe.visibleApp())"
TEXT_WATCH = "() => window.bvProbe.watchText(document.querySelector('.bv-echo-text'))"


def open_echo(browser, url):
    """Open the echo fixture and return its page and button."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url, timeout=PAGE_TIMEOUT_MS)
    page.wait_for_selector(".bv-echo-button", timeout=PAGE_TIMEOUT_MS)
    install_probe(page)
    return page, page.locator(".bv-echo-button")


def find_slider_views(page):
    """Open every tab and return ``[(title, app class)]`` for the tabs that can be measured, and notes on the rest."""
    views, notes = [], []
    for title in tab_titles():
        try:
            app_class = open_tab(page, title)
        except Exception as error:  # Playwright's TimeoutError: no painted canvas, or the app failed to build
            notes.append(f"{title}: skipped, its app showed no painted canvas ({type(error).__name__})")
            continue
        handle = visible_handle(page)
        if handle is None:
            notes.append(f"{title}: skipped, its app has no slider")
            continue
        try:
            wait_quiet(page, CANVAS_WATCH)
            timed_press(page, handle, next_key(handle, "ArrowLeft"), CANVAS_WATCH, timeout_ms=TRIAL_TIMEOUT_MS)
        except Exception as error:  # Playwright's TimeoutError: the move changed no canvas
            notes.append(f"{title}: skipped, moving its first slider changed no canvas within "
                         f"{TRIAL_TIMEOUT_MS / 1000:g} s ({type(error).__name__})")
            page.evaluate("() => window.bvProbe.stop()")
            continue
        views.append((title, app_class))
    return views, notes
