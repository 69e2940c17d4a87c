"""What a student's browser can reach through the Voila server, and what it cannot."""
import json
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone

import psutil
import pytest
import websocket

from backprop_viz.testing.voila import STARTUP_TIMEOUT, kernel_processes, voila_server

pytestmark = pytest.mark.browser


def http_status(url):
    """Return the HTTP status of a GET, following no redirects to a rendered page."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def shell_message(msg_type, content):
    """Build a Jupyter shell message as the JSON websocket protocol carries it. Return (id, text)."""
    msg_id = uuid.uuid4().hex
    header = {"msg_id": msg_id, "msg_type": msg_type, "username": "student", "session": uuid.uuid4().hex,
              "version": "5.3", "date": datetime.now(timezone.utc).isoformat()}
    text = json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                       "channel": "shell", "buffers": []})
    return msg_id, text


def replies_to(connection, msg_id, timeout):
    """Collect the types of the messages whose parent is ``msg_id`` until ``timeout`` seconds pass."""
    types = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            frame = connection.recv()
        except websocket.WebSocketTimeoutException:
            break
        if isinstance(frame, bytes) or not frame:
            continue  # binary frames carry widget buffers
        message = json.loads(frame)
        if message.get("parent_header", {}).get("msg_id") == msg_id:
            types.append(message["header"]["msg_type"])
            if types[-1].endswith("_reply"):
                break
    return types


@pytest.fixture
def kernel_connection(browser, voila_url):
    """A second websocket to the kernel of a freshly opened dashboard page, in a session of its own."""
    page = browser.new_page()
    channels = []
    page.on("websocket", lambda socket: channels.append(socket.url))
    page.goto(voila_url, timeout=STARTUP_TIMEOUT * 1000)
    page.wait_for_selector(".bv-softmax-table td", timeout=STARTUP_TIMEOUT * 1000)
    page_channel = next(url for url in channels if "/api/kernels/" in url and url.split("?")[0].endswith("channels"))
    connection = websocket.create_connection(page_channel.split("?")[0] + f"?session_id={uuid.uuid4().hex}",
                                             timeout=30)
    yield connection
    connection.close()
    page.close()


def test_kernel_connection_answers_allowed_requests(kernel_connection):
    msg_id, text = shell_message("comm_info_request", {})
    kernel_connection.send(text)
    assert "comm_info_reply" in replies_to(kernel_connection, msg_id, 60)


def test_execute_request_runs_nothing(kernel_connection, tmp_path):
    marker = tmp_path / "executed"
    msg_id, text = shell_message("execute_request", {
        "code": f"open({str(marker)!r}, 'w').write('ran')", "silent": False, "store_history": False,
        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    kernel_connection.send(text)
    assert replies_to(kernel_connection, msg_id, 10) == []
    assert not marker.exists()


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
