"""What the dashboard page's own kernel websocket lets through to the kernel.

Playwright relays the page's kernel websocket, so the test can read what the
server sends and add its own messages to the page's connection.
"""
import json
import time
import uuid
from datetime import datetime, timezone

import pytest

from backprop_viz.testing.voila import STARTUP_TIMEOUT, voila_server

pytestmark = pytest.mark.browser

KERNEL_CHANNELS = "**/api/kernels/*/channels*"
REPLY_TIMEOUT = 60


def pack_v1(channel, parts):
    """Frame a message for the v1 kernel websocket protocol ("v1.kernel.websocket.jupyter.org").

    ``parts`` are the serialized header, parent header, metadata, content and
    any buffers. The frame starts with the number of offsets and the offsets,
    each a little-endian uint64, and then contains the channel name and the
    parts back to back. Each offset marks where the channel name or a part starts,
    and the last one marks the end of the frame.
    """
    channel = channel.encode("utf-8")
    offsets = [8 * (1 + 1 + len(parts) + 1)]
    for chunk in [channel, *parts]:
        offsets.append(offsets[-1] + len(chunk))
    numbers = [len(offsets), *offsets]
    return b"".join(number.to_bytes(8, "little") for number in numbers) + channel + b"".join(parts)


def unpack_v1(frame):
    """Split a v1 frame into its channel name and its list of parts."""
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (index + 1):8 * (index + 2)], "little") for index in range(count)]
    channel = frame[offsets[0]:offsets[1]].decode("utf-8")
    parts = [frame[start:end] for start, end in zip(offsets[1:], offsets[2:])]
    return channel, parts


class KernelChannel:
    """The page's kernel websocket, relayed in both directions, with every message the server sent."""

    def __init__(self, page):
        self.page = page
        self.server = None
        self.page_header = None
        self.text_frames = 0
        self.from_server = []
        page.route_web_socket(KERNEL_CHANNELS, self.relay)

    def relay(self, page_side):
        """Connect the page's websocket to the Voila server and forward every frame both ways."""
        server_side = page_side.connect_to_server()
        page_side.on_message(lambda frame: self.forward_to_server(frame, server_side))
        server_side.on_message(lambda frame: self.forward_to_page(frame, page_side))
        self.server = server_side

    def forward_to_server(self, frame, server_side):
        """Store the header of the page's first shell message, then pass the frame on."""
        if isinstance(frame, str):
            self.text_frames += 1
        elif self.page_header is None:
            channel, parts = unpack_v1(frame)
            if channel == "shell":
                self.page_header = json.loads(parts[0])
        server_side.send(frame)

    def forward_to_page(self, frame, page_side):
        """Record the server's message as (channel, header, parent header), then pass the frame on."""
        if isinstance(frame, str):
            self.text_frames += 1
        else:
            channel, parts = unpack_v1(frame)
            self.from_server.append((channel, json.loads(parts[0]), json.loads(parts[1])))
        page_side.send(frame)

    def send_shell_request(self, msg_type, content):
        """Send a shell request in the page's session over the page's connection. Return its msg_id."""
        msg_id = uuid.uuid4().hex
        header = dict(self.page_header, msg_id=msg_id, msg_type=msg_type,
                      date=datetime.now(timezone.utc).isoformat())
        parts = [json.dumps(part).encode("utf-8") for part in (header, {}, {}, content)]
        self.server.send(pack_v1("shell", parts))
        return msg_id

    def message_types_for(self, msg_id):
        """Return the types of the server's messages whose parent is ``msg_id``, in arrival order."""
        return [header["msg_type"] for _, header, parent in self.from_server if parent.get("msg_id") == msg_id]

    def wait_for_reply(self, msg_id, reply_type, timeout=REPLY_TIMEOUT):
        """Wait until a ``reply_type`` message replies to ``msg_id``. Return whether one arrived.

        The page's wait lets Playwright deliver websocket events, which a plain
        ``time.sleep`` would hold back.
        """
        deadline = time.monotonic() + timeout
        while reply_type not in self.message_types_for(msg_id):
            if time.monotonic() > deadline:
                return False
            self.page.wait_for_timeout(100)
        return True


@pytest.fixture(scope="module")
def voila_log(tmp_path_factory):
    """Path of the log of this module's own Voila server."""
    return tmp_path_factory.mktemp("voila-kernel-channel") / "voila.log"


@pytest.fixture(scope="module")
def kernel_channel(browser, voila_log):
    """The relayed kernel connection of a dashboard page on a Voila server of its own."""
    with voila_server(log_path=voila_log) as url:
        page = browser.new_page()
        channel = KernelChannel(page)
        page.goto(url, timeout=STARTUP_TIMEOUT * 1000)
        page.wait_for_selector(".bv-softmax-table td", timeout=STARTUP_TIMEOUT * 1000)
        page.wait_for_load_state("networkidle")
        yield channel
        page.close()


def test_page_execute_request_runs_nothing(kernel_channel, voila_log, tmp_path):
    marker = tmp_path / "marker"
    assert kernel_channel.server is not None, "the page opened no kernel websocket"
    assert kernel_channel.page_header is not None, "the page sent no shell message"
    assert kernel_channel.text_frames == 0, "the page speaks the legacy JSON protocol, not v1"

    control = kernel_channel.send_shell_request("kernel_info_request", {})
    assert kernel_channel.wait_for_reply(control, "kernel_info_reply"), "an allowed request got no reply"

    execute = kernel_channel.send_shell_request("execute_request", {
        "code": f'open(r"{marker}", "w").write("ran")', "silent": False, "store_history": True,
        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    # ipykernel 7.4 handles non-comm shell requests one at a time in arrival order, so by the time
    # this reply arrives, an execute_request that reached the kernel would have finished.
    last = kernel_channel.send_shell_request("kernel_info_request", {})
    assert kernel_channel.wait_for_reply(last, "kernel_info_reply"), "the connection stopped answering"
    kernel_channel.page.wait_for_timeout(2000)

    assert not marker.exists()
    assert kernel_channel.message_types_for(execute) == []
    assert 'Received message of type "execute_request", which is not allowed' in voila_log.read_text()
