"""What a student's browser can reach through the Voila server, and what it cannot."""
import time
import urllib.error
import urllib.request

import psutil
import pytest

from backprop_viz.testing.voila import STARTUP_TIMEOUT, kernel_processes, voila_server

pytestmark = pytest.mark.browser


def http_status(url):
    """Return the HTTP status of a GET, following no redirects to a rendered page."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_page_has_no_notebook_source(dashboard):
    assert "from backprop_viz.apps.dashboard import Dashboard" not in dashboard.content()


@pytest.mark.parametrize("path", [
    "voila/files/dashboard.ipynb",
    "voila/files/01_softmax.ipynb",
    "voila/files/../backprop_viz/softmax.py",
    "files/dashboard.ipynb",
    "api/contents/dashboard.ipynb",
])
def test_source_files_forbidden(voila_url, path):
    assert http_status(voila_url + path) == 403


def test_server_listens_on_loopback_only(voila_url):
    port = int(voila_url.rstrip("/").rsplit(":", 1)[1])
    listening = [connection for connection in psutil.net_connections(kind="tcp")
                 if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port]
    assert listening
    assert {connection.laddr.ip for connection in listening} <= {"127.0.0.1"}


@pytest.fixture(scope="module")
def failing_page(browser, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("voila-raises") / "voila.log"
    with voila_server("tests/browser/fixtures/raises.ipynb", log_path=log_path) as url:
        page = browser.new_page()
        page.goto(url, timeout=STARTUP_TIMEOUT * 1000)
        page.get_by_text("before the error").wait_for(timeout=STARTUP_TIMEOUT * 1000)
        page.wait_for_load_state("networkidle")
        yield page
        page.close()


def test_failing_cell_shows_no_traceback(failing_page):
    text = failing_page.inner_text("body")
    assert "Traceback" not in text
    assert "internal detail that must stay on the server" not in text


def test_failing_cell_shows_short_message(failing_page):
    assert "error" in failing_page.inner_text("body").lower()


def test_idle_kernel_is_culled(browser, tmp_path):
    # Voila never culls its pool of preheated kernels, so this server starts without one.
    culling = ["--MappingKernelManager.cull_idle_timeout=4", "--MappingKernelManager.cull_interval=1",
               "--VoilaConfiguration.preheat_kernel=False"]
    with voila_server(log_path=tmp_path / "voila.log", extra_args=culling) as url:
        page = browser.new_page()
        page.goto(url, timeout=STARTUP_TIMEOUT * 1000)
        page.wait_for_selector(".bv-softmax-table td", timeout=STARTUP_TIMEOUT * 1000)
        assert len(kernel_processes(url)) == 1
        page.close()

        deadline = time.monotonic() + 60
        while kernel_processes(url) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert kernel_processes(url) == []
