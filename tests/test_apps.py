"""The lesson apps through their Python API: set a control, read the state."""
import matplotlib
import numpy as np
import pytest

matplotlib.use("module://ipympl.backend_nbagg")

from backprop_viz.apps.controls import parse_logits  # noqa: E402
from backprop_viz.apps.cross_entropy_app import CrossEntropyApp  # noqa: E402
from backprop_viz.apps.jacobian_app import JacobianApp  # noqa: E402
from backprop_viz.apps.softmax_app import SoftmaxApp  # noqa: E402
from backprop_viz.softmax import softmax, softmax_jacobian  # noqa: E402


@pytest.fixture(scope="module")
def cross_entropy_app():
    return CrossEntropyApp()


def test_parse_logits_accepts_brackets_and_spaces():
    assert parse_logits("[1, 2.5 -3]") == [1.0, 2.5, -3.0]


@pytest.mark.parametrize("text, message", [
    ("", "Type 2 to 10 numbers"),
    ("1, x, 3", "'x' is not a number"),
    ("5", "Expected 2 to 10 numbers, got 1"),
    (", ".join(["1"] * 11), "Expected 2 to 10 numbers, got 11"),
    ("1, nan", "must be finite"),
    ("1, inf", "must be finite"),
])
def test_parse_logits_rejects_bad_text(text, message):
    with pytest.raises(ValueError, match=message):
        parse_logits(text)


def test_softmax_app_starts_with_lesson_values():
    app = SoftmaxApp()
    assert app.stable == pytest.approx([0.09003057, 0.24472847, 0.66524096], abs=1e-8)
    assert app.naive == pytest.approx(app.stable)


def test_softmax_app_large_logits_naive_nan_stable_one_hot():
    app = SoftmaxApp()
    app.set_logits("1000, 2000, 3000")
    assert np.all(np.isnan(app.naive))
    assert app.stable.tolist() == [0.0, 0.0, 1.0]
    assert "overflow encountered in exp" in app.warning_label.value


def test_softmax_app_bad_text_keeps_last_state():
    app = SoftmaxApp()
    app.set_logits("1, two, 3")
    assert "'two' is not a number" in app.logit_controls.message.value
    assert app.logits.tolist() == [1.0, 2.0, 3.0]
    assert app.stable == pytest.approx(softmax([1.0, 2.0, 3.0]))


def test_softmax_app_slider_updates_text_and_bars():
    app = SoftmaxApp()
    app.logit_controls.sliders[0].value = 3.0
    assert app.logit_controls.text.value == "3, 2, 3"
    assert app.stable == pytest.approx(softmax([3.0, 2.0, 3.0]))
    assert app.stable_view.texts[0].get_text() == f"{softmax([3.0, 2.0, 3.0])[0]:.3f}"


def test_softmax_app_temperature():
    app = SoftmaxApp()
    app.temperature_slider.value = 10.0
    assert app.stable == pytest.approx(softmax([1.0, 2.0, 3.0], temperature=10.0))


def test_softmax_app_changes_class_count():
    app = SoftmaxApp()
    app.set_logits("0, 0, 0, 0, 0")
    assert app.stable == pytest.approx([0.2] * 5)
    assert app.logit_controls.sliders[4].layout.display is None
    assert app.logit_controls.sliders[5].layout.display == "none"
    assert not app.stable_view.bars[5].get_visible()


def test_jacobian_app_follows_logits():
    app = JacobianApp()
    app.set_logits("0.5, -1, 2")
    assert app.jacobian == pytest.approx(softmax_jacobian([0.5, -1.0, 2.0]))
    assert app.jacobian_view.image.get_array().shape == (3, 3)
    assert app.check_error <= 1e-7


def test_jacobian_app_writes_values_on_cells():
    app = JacobianApp()
    expected = softmax_jacobian([1.0, 2.0, 3.0, 0.5])[0, 1]
    assert app.jacobian_view.texts[0, 1].get_text() == f"{expected:.3f}"


def test_cross_entropy_app_trains_on_digits(cross_entropy_app):
    assert cross_entropy_app.test_accuracy >= 0.95


def test_cross_entropy_app_gradient_is_f_minus_y(cross_entropy_app):
    app = cross_entropy_app
    app.image_slider.value = 5
    y = np.eye(10)[app.z]
    assert app.result.dL_dp == pytest.approx(app.result.probabilities - y)
    assert app.result.dL_dW == pytest.approx(np.outer(app.x, app.result.probabilities - y))


def test_cross_entropy_app_step_lowers_loss(cross_entropy_app):
    app = cross_entropy_app
    app.reset()
    app.image_slider.value = 0
    before = app.result.loss
    app.take_step()
    assert app.result.loss < before
    app.reset()


def test_cross_entropy_app_loss_selector(cross_entropy_app):
    app = cross_entropy_app
    app.loss_dropdown.value = "mean_squared_error"
    assert "Mean squared error" in app.status.value
    app.loss_dropdown.value = "cross_entropy"


def test_softmax_overflowing_logits_are_rejected():
    app = SoftmaxApp()
    app.temperature_slider.value = 0.1
    app.set_logits("1e308, 1, 2")

    assert app.logits.tolist() == [1.0, 2.0, 3.0]
    assert app.logit_controls.text.value == "1, 2, 3"
    assert "p/τ overflows float64" in app.logit_controls.message.value
    assert app.stable == pytest.approx(softmax([10.0, 20.0, 30.0]))


def test_softmax_overflowing_temperature_is_rejected():
    app = SoftmaxApp()
    app.set_logits("1e308, 1, 2")
    app.temperature_slider.value = 0.5

    assert app.temperature_slider.value == 1.0
    assert "Kept τ = 1.00" in app.logit_controls.message.value


def test_jacobian_check_declines_huge_logits():
    app = JacobianApp()
    app.set_logits("1e308, 1e308, 1e308")

    assert "not possible at |p| = 1.0e+308" in app.check_label.value
    assert "relative error" not in app.check_label.value


def test_logit_slider_echo_keeps_typed_value():
    app = SoftmaxApp()
    app.set_logits("1.23, 2, 3")
    app.logit_controls.sliders[0].value = 1.2  # the browser puts the handle on the slider's grid

    assert app.logits.tolist() == [1.23, 2.0, 3.0]


def test_cross_entropy_axes_keep_scale_across_images(cross_entropy_app):
    app = cross_entropy_app
    app.reset()
    app.image_slider.value = 0
    limits = app.logit_view.ax.get_ylim(), app.gradient_view.ax.get_ylim()
    app.image_slider.value = 7

    assert (app.logit_view.ax.get_ylim(), app.gradient_view.ax.get_ylim()) == limits


def test_cross_entropy_logit_axis_fits_every_test_image(cross_entropy_app):
    app = cross_entropy_app
    app.reset()
    logits = app.split.X_test @ app.W + app.b
    low, high = app.logit_view.ax.get_ylim()

    assert low <= logits.min()
    assert logits.max() <= high


def test_cross_entropy_loss_change_refits_gradient_axis(cross_entropy_app):
    app = cross_entropy_app
    app.reset()
    app.loss_dropdown.value = "huber"
    huber_top = app.gradient_view.ax.get_ylim()[1]
    app.loss_dropdown.value = "cross_entropy"

    assert app.gradient_view.ax.get_ylim()[1] > huber_top


@pytest.mark.parametrize("make_app", [SoftmaxApp, JacobianApp])
def test_app_figure_renders(make_app, tmp_path):
    app = make_app()
    app.fig.savefig(tmp_path / "figure.png")
    assert (tmp_path / "figure.png").stat().st_size > 10_000


def test_cross_entropy_app_figure_renders(cross_entropy_app, tmp_path):
    cross_entropy_app.fig.savefig(tmp_path / "figure.png")
    assert (tmp_path / "figure.png").stat().st_size > 10_000


def test_parse_logits_rejects_empty_entry():
    with pytest.raises(ValueError, match="empty entry between commas"):
        parse_logits("1,,2")


def test_large_typed_logit_survives_clipped_echo():
    app = SoftmaxApp()
    app.set_logits("1000, 2000, 3000")
    assert app.logit_controls.sliders[1].value == 10.0
    app.logit_controls.sliders[1].value = 10.0  # what the browser shows and sends back
    assert app.logits.tolist() == [1000.0, 2000.0, 3000.0]
    assert "beyond ±10" in app.logit_controls.message.value


def test_slider_move_replaces_large_logit():
    app = SoftmaxApp()
    app.set_logits("1000, 2000, 3000")
    app.logit_controls.sliders[0].value = 9.9
    assert app.logits.tolist() == [9.9, 2000.0, 3000.0]
