"""The later lesson tabs in Chromium: each one draws, follows its controls and rejects bad input."""
import pytest

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000


def open_tab(page, title, app_class):
    """Click a dashboard tab and wait until its app's canvas exists. Return the app's locator."""
    page.get_by_role("tab", name=title).click()
    app = page.locator(f".{app_class}")
    app.locator("canvas").first.wait_for(timeout=TIMEOUT_MS)
    return app


def wait_for_new_pixels(page, canvas, before):
    """Poll until the canvas differs from ``before``. Return whether it did within 10 s."""
    for _ in range(100):
        if canvas.screenshot() != before:
            return True
        page.wait_for_timeout(100)
    return False


def type_into(box, text):
    box.fill(text)
    box.press("Enter")


def test_losses_tab_bad_logits_message(dashboard):
    app = open_tab(dashboard, "Losses", "bv-losses-app")
    type_into(app.locator("input[type='text']").first, "1, x, 3")
    app.get_by_text("'x' is not a number").wait_for(timeout=TIMEOUT_MS)
    assert app.locator("input[type='text']").first.input_value() == "1, x, 3"


def test_losses_tab_slider_redraws(dashboard):
    app = open_tab(dashboard, "Losses", "bv-losses-app")
    canvas = app.locator("canvas").first
    dashboard.wait_for_timeout(2000)
    before = canvas.screenshot()
    handle = app.locator(".noUi-handle").first
    handle.focus()
    for _ in range(10):
        handle.press("ArrowRight")
    assert wait_for_new_pixels(dashboard, canvas, before)


def test_backprop_tab_steps_forward(dashboard):
    app = open_tab(dashboard, "Backprop steps", "bv-backprop-app")
    app.get_by_role("button", name="Next step").click()
    app.get_by_text("step 2 of").wait_for(timeout=TIMEOUT_MS)
    app.get_by_role("button", name="Previous step").click()
    app.get_by_text("step 1 of").wait_for(timeout=TIMEOUT_MS)


def test_backprop_tab_gradient_check_table(dashboard):
    app = open_tab(dashboard, "Backprop steps", "bv-backprop-app")
    errors = [float(text) for text in app.locator(".bv-gradcheck-table td:nth-child(2)").all_inner_texts()]
    assert errors
    assert max(errors) <= 1e-7


def test_gradient_flow_tab_bad_widths_message(dashboard):
    app = open_tab(dashboard, "Gradient flow", "bv-gradient-flow-app")
    type_into(app.locator("input[type='text']").first, "64, x, 10")
    app.get_by_text("'x' is not a whole number").wait_for(timeout=TIMEOUT_MS)


def test_gradient_flow_tab_preset_redraws(dashboard):
    app = open_tab(dashboard, "Gradient flow", "bv-gradient-flow-app")
    canvas = app.locator("canvas").first
    dashboard.wait_for_timeout(2000)
    before = canvas.screenshot()
    app.get_by_role("button", name="exploding: large Gaussian scale").click()
    assert wait_for_new_pixels(dashboard, canvas, before)


def test_training_lab_epoch_button_updates_status(dashboard):
    app = open_tab(dashboard, "Training lab", "bv-training-lab-app")
    status = app.locator(".bv-training-lab-status")
    before = status.inner_text()
    app.get_by_role("button", name="Epoch").click()
    dashboard.wait_for_function(
        "(before) => document.querySelector('.bv-training-lab-status').innerText !== before", arg=before,
        timeout=TIMEOUT_MS)
    assert status.inner_text() != before
