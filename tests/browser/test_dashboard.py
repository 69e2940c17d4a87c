"""The dashboard in headless Chromium: move controls, read the values the page shows."""
import pytest

from backprop_viz import softmax

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000


def open_tab(page, title):
    page.get_by_role("tab", name=title).click()


def table_row(page, table_class, row):
    """Read one row of a values table as floats."""
    cells = page.locator(f".{table_class} tr[data-row='{row}'] td")
    return [float(text) for text in cells.all_inner_texts()]


def test_softmax_tab_shows_lesson_values(dashboard):
    assert table_row(dashboard, "bv-softmax-table", "stable f") == pytest.approx(
        [0.090030573, 0.24472847, 0.66524096], abs=1e-6)


def test_softmax_slider_keyboard_updates_probabilities(dashboard):
    open_tab(dashboard, "Softmax")
    handle = dashboard.locator(".bv-softmax-app .noUi-handle").first
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")
    expected = softmax([1.5, 2.0, 3.0])
    dashboard.wait_for_function(
        "() => document.querySelector(\".bv-softmax-table tr[data-row='logits p'] td\").innerText === '1.5'",
        timeout=TIMEOUT_MS)
    assert table_row(dashboard, "bv-softmax-table", "stable f") == pytest.approx(expected, abs=1e-6)


def test_softmax_bad_text_shows_message_and_keeps_values(dashboard):
    open_tab(dashboard, "Softmax")
    before = table_row(dashboard, "bv-softmax-table", "stable f")
    box = dashboard.locator(".bv-softmax-app input[type='text']").first
    box.fill("1, two, 3")
    box.press("Enter")
    dashboard.get_by_text("'two' is not a number").wait_for(timeout=TIMEOUT_MS)
    assert table_row(dashboard, "bv-softmax-table", "stable f") == before


def test_softmax_large_logits_show_nan_and_one_hot(dashboard):
    open_tab(dashboard, "Softmax")
    box = dashboard.locator(".bv-softmax-app input[type='text']").first
    box.fill("1000, 2000, 3000")
    box.press("Enter")
    dashboard.get_by_text("overflow encountered in exp").wait_for(timeout=TIMEOUT_MS)
    assert table_row(dashboard, "bv-softmax-table", "stable f") == [0.0, 0.0, 1.0]
    naive = dashboard.locator(".bv-softmax-table tr[data-row='naive f'] td").all_inner_texts()
    assert naive == ["nan", "nan", "nan"]


def wait_for_new_pixels(page, locator, before):
    """Poll until the element's screenshot differs from ``before``; return whether it did."""
    for _ in range(100):
        if locator.screenshot() != before:
            return True
        page.wait_for_timeout(100)
    return False


def test_jacobian_heatmap_follows_slider(dashboard):
    open_tab(dashboard, "Jacobian")
    canvas = dashboard.locator(".bv-jacobian-app canvas").first
    canvas.wait_for(timeout=TIMEOUT_MS)
    before = canvas.screenshot()

    handle = dashboard.locator(".bv-jacobian-app .noUi-handle").first
    handle.focus()
    for _ in range(10):
        handle.press("ArrowLeft")
    dashboard.wait_for_function(
        "() => document.querySelector(\".bv-jacobian-table tr[data-row='logits p'] td\").innerText === '0'",
        timeout=TIMEOUT_MS)

    shown = table_row(dashboard, "bv-jacobian-table", "probabilities f")
    assert shown == pytest.approx(softmax([0.0, 2.0, 3.0, 0.5]), abs=1e-6)
    assert wait_for_new_pixels(dashboard, canvas, before)
