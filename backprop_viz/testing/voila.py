"""Start Voila on a free loopback port and launch the system Chromium through Playwright."""
import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
STARTUP_TIMEOUT = 120


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, timeout=STARTUP_TIMEOUT):
    """Poll until the server accepts connections on ``port``, exits, or ``timeout`` seconds pass.

    Only a TCP connection is made: any HTTP request to Voila would render the
    notebook and start a kernel.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Voila exited with code {process.returncode} before listening on port {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"Voila did not listen on port {port} within {timeout} s")


@contextlib.contextmanager
def voila_server(notebook="notebooks/dashboard.ipynb", log_path=os.devnull, extra_args=()):
    """Serve ``notebook`` (relative to the repository) with the repository's voila.json.

    Yields the URL, ``http://127.0.0.1:PORT/``, and stops the server on exit.
    """
    port = free_port()
    voila = Path(sys.executable).with_name("voila")
    with open(log_path, "w") as log:
        process = subprocess.Popen([str(voila), notebook, f"--port={port}", "--no-browser", *extra_args],
                                   cwd=REPOSITORY, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def kernel_processes(url):
    """Return the ipykernel processes started by the Voila server behind ``url``."""
    import psutil

    port = int(url.rstrip("/").rsplit(":", 1)[1])
    listeners = {connection.pid for connection in psutil.net_connections(kind="tcp")
                 if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port}
    kernels = []
    for pid in listeners:
        for child in psutil.Process(pid).children(recursive=True):
            try:
                command = " ".join(child.cmdline())
            except psutil.Error:  # a culled kernel that exited, or is a zombie not yet reaped
                continue
            if "ipykernel_launcher" in command:
                kernels.append(child)
    return kernels


def launch_chromium(playwright):
    """Launch the system Chromium headless, with the flags this closed network needs."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
