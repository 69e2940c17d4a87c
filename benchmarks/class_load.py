r"""Measure a class on one machine: concurrent dashboard sessions, kernel memory, and memory growth over many updates.

Run from the repository root::

    .venv/bin/python benchmarks/class_load.py [--sessions 30] [--moves 10] [--updates 1000]

One Voila server on a free 127.0.0.1 port serves notebooks/dashboard.ipynb.
Part 1: ``--sessions`` pages, each in its own browser context of one
headless Chromium, open the dashboard at the same moment (each page starts
its own kernel). Once all first tabs are ready, every page moves the first
slider of its first tab ``--moves`` times, with a pause of 0.3 s between
moves, as students would. A move's latency runs from keydown to the first
animation frame with changed canvas pixels. Errors are failed sessions,
uncaught page errors, and ERROR or Traceback lines in Voila's log.
Memory is the RSS and USS of each open page's own kernel, read with psutil
while all sessions are open. A page's kernel is the one whose id is in the
URL of the page's kernel websocket (``/api/kernels/<id>/channels``); its
process is the ipykernel process whose connection file is
``kernel-<id>.json``. Since voila.json preheats a kernel, a page takes the
pooled kernel and the server starts an idle replacement: that kernel, and
any of a session that failed or whose page closed, belong to no open page
and are listed apart.

Part 2: after those pages close, one page opens every tab and makes
``--updates`` slider moves, spread over every tab that has a slider, each
waiting for its new pixels. Its own kernel, found the same way, has its RSS
read after a warm-up, after the first tenth of the updates, and at the end.
"""
import argparse
import asyncio
import re
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

import _common

PAUSE_S = 0.3
PAGE_STATE_SCRIPT = r"""
() => {
  const probe = window.bvProbe;
  const app = probe && probe.visibleApp();
  if (!app) { return `no visible app; ${document.querySelectorAll('[role="tab"]').length} tabs on the page`; }
  const canvas = probe.mainCanvas(app);
  const cells = app.querySelectorAll('table.bv-values td').length;
  return canvas ? `canvas ${canvas.width}x${canvas.height}, painted: ${probe.canvasPainted(canvas)}, ${cells} table cells`
                : `no visible canvas, ${cells} table cells`;
}
"""
WARMUP_MOVES = 20
SAMPLE_SETTLE_S = 3.0
KERNEL_CHANNELS_URL = re.compile(r"/api/kernels/([^/?#]+)/channels")


def voila_process(port):
    """Return the psutil process of the Voila server listening on ``port``."""
    for child in psutil.Process().children(recursive=True):
        try:
            command = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if "voila" in command and f"--port={port}" in command:
            return child
    raise RuntimeError(f"no Voila process with --port={port} among this script's children")


def kernel_processes(server):
    """Return the ipykernel processes started by ``server``."""
    kernels = []
    for child in server.children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                kernels.append(child)
        except psutil.Error:
            continue
    return kernels


def kernel_process(server, kernel_id):
    """Return the ipykernel process under ``server`` that runs the kernel ``kernel_id``.

    The server starts each kernel with ``-f DIR/kernel-<kernel_id>.json``, so the
    process is the one with an argument whose file name is that connection file.
    Raises ``RuntimeError`` when no such process runs, for instance once the
    kernel was shut down.
    """
    connection_file = f"kernel-{kernel_id}.json"
    for kernel in kernel_processes(server):
        try:
            arguments = kernel.cmdline()
        except psutil.Error:
            continue
        if any(Path(argument).name == connection_file for argument in arguments):
            return kernel
    raise RuntimeError(f"ipykernel process with connection file {connection_file} not found "
                       f"under the Voila server (pid {server.pid})")


def kernel_memory(kernel):
    """Return (RSS, USS) of ``kernel`` in MiB."""
    info = kernel.memory_full_info()
    return info.rss / 2**20, info.uss / 2**20


async def timed_press(page, handle, key, timeout_ms=_common.MOVE_TIMEOUT_MS * 4):
    """Press ``key`` on ``handle`` and return milliseconds from keydown to the first changed frame."""
    await page.evaluate(_common.CANVAS_WATCH)
    await handle.press(key)
    await page.wait_for_function("() => window.bvProbe.firstChangeAfterFirstEvent() !== null",
                                 timeout=timeout_ms, polling="raf")
    latency = await page.evaluate("() => window.bvProbe.firstChangeAfterFirstEvent()")
    await page.evaluate("() => window.bvProbe.stop()")
    return latency


async def first_handle(page):
    """Return a locator for the first visible slider handle of the visible app, or None."""
    found = await page.evaluate(_common.MARK_HANDLE_SCRIPT)
    return page.locator("[data-bv-probe-handle='1']") if found else None


def watch_kernel_ids(page):
    """Return a set that receives the kernel id of each kernel websocket that ``page`` opens from now on."""
    kernel_ids = set()

    def record(websocket):
        match = KERNEL_CHANNELS_URL.search(websocket.url)
        if match:
            kernel_ids.add(match.group(1))

    page.on("websocket", record)
    return kernel_ids


async def open_session(browser, url, errors):
    """Open the dashboard in a new context.

    Returns (context, page, seconds until the first tab was ready, the id of the
    page's kernel). Raises ``RuntimeError`` when the first tab is not ready in
    time or the page did not open exactly one kernel websocket.
    """
    context = await browser.new_context(viewport=_common.VIEWPORT)
    page = await context.new_page()
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    kernel_ids = watch_kernel_ids(page)
    await page.add_init_script(f"({_common.PROBE_SCRIPT})()")
    start = time.perf_counter()
    await page.goto(url, wait_until="commit", timeout=_common.PAGE_TIMEOUT_MS)
    try:
        await page.wait_for_function(_common.FIRST_TAB_READY_SCRIPT, timeout=_common.PAGE_TIMEOUT_MS, polling=250)
    except PlaywrightTimeoutError:
        state = await page.evaluate(PAGE_STATE_SCRIPT)
        await context.close()
        raise RuntimeError(f"first tab not ready after {_common.PAGE_TIMEOUT_MS / 1000:g} s: {state}") from None
    seconds = time.perf_counter() - start
    if len(kernel_ids) != 1:
        await context.close()
        raise RuntimeError(f"expected one kernel websocket from the page, got kernel ids {sorted(kernel_ids)}")
    return context, page, seconds, kernel_ids.pop()


async def move_slider(page, moves):
    """Move the first slider of the visible app ``moves`` times, alternating right and left; return the latencies."""
    handle = await first_handle(page)
    if handle is None:
        raise RuntimeError("the first tab has no slider to move")
    latencies = []
    for index in range(moves):
        latencies.append(await timed_press(page, handle, "ArrowRight" if index % 2 == 0 else "ArrowLeft"))
        await asyncio.sleep(PAUSE_S)
    return latencies


async def run_class(browser, url, sessions, moves, server):
    """Open ``sessions`` pages at once, then move sliders in all of them; return figures and open contexts."""
    errors = []
    opened = await asyncio.gather(*(open_session(browser, url, errors) for _ in range(sessions)),
                                  return_exceptions=True)
    pages = [result for result in opened if not isinstance(result, BaseException)]
    failures = [f"session failed to start: {result!r}" for result in opened if isinstance(result, BaseException)]
    print(f"  {len(pages)}/{sessions} sessions ready", file=sys.stderr, flush=True)
    for failure in failures[:5]:
        print(f"  {failure}", file=sys.stderr, flush=True)

    moved = await asyncio.gather(*(move_slider(page, moves) for _, page, _, _ in pages), return_exceptions=True)
    latencies = [value for result in moved if not isinstance(result, BaseException) for value in result]
    failures += [f"session failed while moving: {result!r}" for result in moved if isinstance(result, BaseException)]

    session_kernels = []
    for _, _, _, kernel_id in pages:
        try:
            session_kernels.append(kernel_process(server, kernel_id))
        except RuntimeError as error:
            failures.append(f"session kernel not found: {error}")
    session_pids = {kernel.pid for kernel in session_kernels}
    other_kernels = [kernel for kernel in kernel_processes(server) if kernel.pid not in session_pids]
    memory = [kernel_memory(kernel) for kernel in session_kernels]
    other_memory = [kernel_memory(kernel) for kernel in other_kernels]
    for context, _, _, _ in pages:
        await context.close()
    return {
        "ready_s": [seconds for _, _, seconds, _ in pages],
        "latencies": latencies,
        "failures": failures,
        "page_errors": errors,
        "memory": memory,
        "other_memory": other_memory,
    }


async def run_soak(browser, url, updates, server):
    """Drive ``updates`` slider moves in one page and return its own kernel's RSS samples (MiB) and what was moved."""
    context, page, _, kernel_id = await open_session(browser, url, [])
    try:
        kernel = kernel_process(server, kernel_id)
        opened_rss = kernel_memory(kernel)[0]

        # Open every tab once, so lazily built apps and their data are in memory before the first sample.
        slider_tabs = []
        for title in _common.tab_titles():
            await page.get_by_role("tab", name=title, exact=True).click()
            try:
                await page.wait_for_function(_common.APP_READY_SCRIPT, timeout=_common.TAB_TIMEOUT_MS, polling="raf")
            except PlaywrightTimeoutError:  # a tab without a painted canvas is left out of the soak
                continue
            handle = await first_handle(page)
            if handle is None:
                continue
            try:
                for index in range(WARMUP_MOVES):
                    await timed_press(page, handle, "ArrowRight" if index % 2 == 0 else "ArrowLeft",
                                      timeout_ms=_common.TRIAL_TIMEOUT_MS)
            except PlaywrightTimeoutError:  # this tab's first slider changes no canvas
                await page.evaluate("() => window.bvProbe.stop()")
                continue
            slider_tabs.append(title)

        await asyncio.sleep(SAMPLE_SETTLE_S)
        before = kernel_memory(kernel)[0]
        block = max(1, updates // (5 * len(slider_tabs)))
        done = 0
        missed = 0
        # A second sample after the first tenth of the updates separates caches that fill once from a steady leak.
        first_tenth = None
        while done < updates:
            for title in slider_tabs:
                await page.get_by_role("tab", name=title, exact=True).click()
                await page.wait_for_function(_common.APP_READY_SCRIPT, timeout=_common.TAB_TIMEOUT_MS, polling="raf")
                handle = await first_handle(page)
                for index in range(min(block, updates - done)):
                    try:
                        await timed_press(page, handle, "ArrowRight" if index % 2 == 0 else "ArrowLeft",
                                          timeout_ms=_common.TRIAL_TIMEOUT_MS)
                    except PlaywrightTimeoutError:
                        await page.evaluate("() => window.bvProbe.stop()")
                        missed += 1
                    done += 1
                if first_tenth is None and done >= updates // 10:
                    first_tenth = (done, kernel_memory(kernel)[0])
                if done >= updates:
                    break
        await asyncio.sleep(SAMPLE_SETTLE_S)
        after = kernel_memory(kernel)[0]
        others = [kernel_memory(other)[0] for other in kernel_processes(server) if other.pid != kernel.pid]
        return {"before": before, "after": after, "first_tenth": first_tenth, "opened": opened_rss, "updates": done,
                "missed": missed,
                "tabs": slider_tabs, "kernel_id": kernel_id, "pid": kernel.pid, "other_rss": others}
    finally:
        await context.close()


async def measure(sessions, moves, updates, log_path):
    """Run both parts against one Voila server and return their figures."""
    from playwright.async_api import async_playwright

    from backprop_viz.testing.voila import CHROMIUM, CHROMIUM_FLAGS, voila_server

    with voila_server(_common.DASHBOARD_NOTEBOOK, log_path=log_path) as url:
        server = voila_process(int(url.rstrip("/").rsplit(":", 1)[1]))
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            try:
                class_figures = await run_class(browser, url, sessions, moves, server)
                soak = await run_soak(browser, url, updates, server) if updates else None
            finally:
                await browser.close()
    return class_figures, soak


def log_errors(log_path):
    """Return the lines of Voila's log that report an error."""
    lines = Path(log_path).read_text(errors="replace").splitlines()
    return [line for line in lines if "ERROR" in line or "Traceback" in line]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30, help="concurrent dashboard pages (default 30)")
    parser.add_argument("--moves", type=int, default=10, help="slider moves per session (default 10)")
    parser.add_argument("--updates", type=int, default=1000, help="slider moves in the memory-growth page, 0 to skip (default 1000)")
    arguments = parser.parse_args()
    for name in ("sessions", "moves"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name} must be >= 1, got {getattr(arguments, name)}")
    if arguments.updates < 0:
        parser.error(f"--updates must be >= 0, got {arguments.updates}")

    _common.print_header("Class load on one Voila server", browser=True)
    log_file = tempfile.NamedTemporaryFile(prefix="voila-class-load-", suffix=".log", delete=False)
    log_file.close()
    class_figures, soak = asyncio.run(measure(arguments.sessions, arguments.moves, arguments.updates, log_file.name))

    server_errors = log_errors(log_file.name)
    error_count = len(class_figures["failures"]) + len(class_figures["page_errors"]) + len(server_errors)
    latency = _common.summarize(class_figures["latencies"])
    ready = _common.summarize(class_figures["ready_s"])
    rss = _common.summarize([rss for rss, _ in class_figures["memory"]])
    uss = _common.summarize([uss for _, uss in class_figures["memory"]])
    rows = [
        ["sessions ready", f"{ready['n']} of {arguments.sessions}", "all", "met" if ready["n"] == arguments.sessions else "missed"],
        ["errors", error_count, "0", "met" if error_count == 0 else "missed"],
        ["time to first tab ready, median / max (s)", f"{ready['median']:.1f} / {ready['max']:.1f}", "-", "-"],
        [f"move latency median (ms, {latency['n']} moves)", f"{latency['median']:.0f}", "-", "-"],
        ["move latency p95 (ms)", f"{latency['p95']:.0f}", "<= 500", _common.verdict(latency["p95"], 500)],
        [f"session kernel RSS median / max (MiB, {rss['n']} kernels)", f"{rss['median']:.0f} / {rss['max']:.0f}",
         "<= 150", _common.verdict(rss["max"], 150)],
        ["session kernel USS median / max (MiB)", f"{uss['median']:.0f} / {uss['max']:.0f}", "-", "-"],
        [f"other kernels' RSS, not counted above (MiB, {len(class_figures['other_memory'])} kernels)",
         " ".join(f"{value:.0f}" for value, _ in class_figures["other_memory"]) or "none", "-", "-"],
    ]
    if soak is not None:
        growth = soak["after"] - soak["before"]
        rows.append(["soak kernel RSS with the first tab ready (MiB)", f"{soak['opened']:.0f}", "-", "-"])
        rows.append(["soak kernel RSS with every tab opened (MiB)", f"{soak['before']:.0f}", "<= 150",
                     _common.verdict(soak["before"], 150)])
        rows.append([f"kernel RSS growth over {soak['updates']} updates (MiB)",
                     f"{growth:+.1f} ({soak['before']:.0f} -> {soak['after']:.0f})", "<= 5", _common.verdict(growth, 5)])
        tenth_done, tenth_rss = soak["first_tenth"]
        rows.append([f"kernel RSS growth over the last {soak['updates'] - tenth_done} updates (MiB)",
                     f"{soak['after'] - tenth_rss:+.1f} ({tenth_rss:.0f} -> {soak['after']:.0f})", "-", "-"])
    _common.print_table(["figure", "value", "target", "result"], rows)
    print("Session kernels are the open pages' own kernels, found by the kernel id in each page's websocket URL. "
          "Other kernels belong to no open page: the pool's idle preheated kernel, any of a failed session, "
          "and at the end of the memory-growth run those of closed pages that Voila has not culled yet.")
    if soak is not None:
        print(f"Memory-growth kernel: {soak['kernel_id']} (pid {soak['pid']}); other kernels at the end, RSS (MiB): "
              f"{' '.join(f'{value:.0f}' for value in soak['other_rss']) or 'none'}")
        print(f"Memory-growth updates spread over the tabs: {', '.join(soak['tabs'])}; "
              f"{soak['missed']} of them changed no canvas within {_common.TRIAL_TIMEOUT_MS / 1000:g} s")
    for message in (class_figures["failures"] + class_figures["page_errors"] + server_errors)[:10]:
        print(f"error: {message}")
    print(f"Voila log: {log_file.name}")


if __name__ == "__main__":
    main()
