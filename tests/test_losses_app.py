"""The losses lesson app through its Python API: set a control, read the state and the figures."""
import matplotlib
import numpy as np
import pytest

matplotlib.use("module://ipympl.backend_nbagg")

import matplotlib.pyplot as plt  # noqa: E402

from backprop_viz.apps.loss_comparison import (  # noqa: E402
    LESSON_ORDER,
    TRUE_PROBABILITIES,
    confidence_sweep,
    logits_with_true_probability,
    loss_options,
    losses_on_softmax,
)
from backprop_viz.apps.loss_curves import angle_curves, margin_curves, regression_curves  # noqa: E402
from backprop_viz.apps.losses_app import LossesApp, parse_positive  # noqa: E402
from backprop_viz.losses import LOSSES, gradient_wrt_logits, huber  # noqa: E402
from backprop_viz.softmax import softmax  # noqa: E402
from backprop_viz.views import break_at_jumps  # noqa: E402

LOGITS = np.array([1.0, 3.0, -3.0])
# Computed once with the core at LOGITS and target 0, where f = (0.1189, 0.8789, 0.0022).
EXPECTED_VALUES = {
    "cross_entropy": 2.1291089088298505,
    "mean_squared_error": 0.5162309110169501,
    "absolute_difference": 0.5873711760595652,
    "huber": 0.25811545550847503,
    "hinge": 1.254037842726232,
    "cosine_distance": 0.8658877282299318,
}


@pytest.fixture
def app():
    app = LossesApp(logits=LOGITS, target=0)
    yield app
    app.close()


def one_hot(index, count):
    return np.eye(count)[index]


# ---------------------------------------------------------------------------
# Values shown equal the core's
# ---------------------------------------------------------------------------

def test_losses_app_starts_with_literal_values(app):
    for name, expected in EXPECTED_VALUES.items():
        assert app.values[name] == pytest.approx(expected, abs=1e-12), name


def test_losses_app_values_match_gradient_wrt_logits(app):
    for name in LOSSES:
        value, gradient = gradient_wrt_logits(name, LOGITS, 0, **loss_options(name))
        assert app.values[name] == pytest.approx(value, abs=1e-12), name
        assert app.gradients[name] == pytest.approx(gradient, abs=1e-12), name


def test_losses_app_cross_entropy_gradient(app):
    assert app.gradients["cross_entropy"] == pytest.approx(softmax(LOGITS) - one_hot(0, 3), abs=1e-12)


def test_losses_app_writes_values_on_bars(app):
    position = LESSON_ORDER.index("cross_entropy")
    assert app.comparison_panel.value_view.texts[position].get_text() == "2.129"
    assert app.comparison_panel.gradient_views["cross_entropy"].texts[0].get_text() == "-0.881"
    assert app.comparison_panel.gradient_views["cross_entropy"].texts[1].get_text() == "0.879"


def test_losses_app_gradient_charts_share_one_scale(app):
    limits = {view.ax.get_ylim() for view in app.comparison_panel.gradient_views.values()}
    assert len(limits) == 1


def test_losses_app_formula_substitutes_f_z(app):
    assert r"-\log 0.1189 = 2.1291" in app.comparison_panel.formula.value


# ---------------------------------------------------------------------------
# Controls update the state and the text on the bars
# ---------------------------------------------------------------------------

def test_losses_app_target_change(app):
    app.target_dropdown.value = 1
    f = softmax(LOGITS)

    assert app.target == 1
    assert app.values["cross_entropy"] == pytest.approx(-np.log(f[1]))
    assert app.gradients["cross_entropy"] == pytest.approx(f - one_hot(1, 3))
    assert app.comparison_panel.gradient_views["cross_entropy"].texts[1].get_text() == f"{f[1] - 1:.3f}"


def test_losses_app_logits_change(app):
    app.set_logits("0, 0, 0")

    assert app.logits.tolist() == [0.0, 0.0, 0.0]
    assert app.values["cross_entropy"] == pytest.approx(np.log(3))
    assert app.values["mean_squared_error"] == pytest.approx(2 / 9)
    position = LESSON_ORDER.index("mean_squared_error")
    assert app.comparison_panel.value_view.texts[position].get_text() == "0.222"


def test_losses_app_logit_slider(app):
    app.logit_controls.sliders[2].value = 3.0
    assert app.logits.tolist() == [1.0, 3.0, 3.0]
    assert app.values["cross_entropy"] == pytest.approx(-np.log(softmax([1.0, 3.0, 3.0])[0]))


def test_losses_app_delta_typed(app):
    app.set_delta("0.1")
    f, y = softmax(LOGITS), one_hot(0, 3)

    assert app.delta == 0.1
    assert app.delta_control.slider.value == 0.1
    assert app.values["huber"] == pytest.approx(huber(f, y, delta=0.1))
    position = LESSON_ORDER.index("huber")
    assert app.comparison_panel.value_view.texts[position].get_text() == f"{huber(f, y, delta=0.1):.3f}"
    assert r"\delta = 0.10" in app.comparison_panel.formula.value


def test_losses_app_delta_slider_updates_text_and_curves(app):
    app.delta_control.slider.value = 0.5
    guides = app.curves_panel.loss_views[0].guides

    assert app.delta_control.text.value == "0.5"
    assert app.curves_panel.delta == 0.5
    assert [guide.get_xdata()[0] for guide in guides] == [-0.5, 0.5]
    huber_curve = app.curves_panel.loss_views[0].lines["huber"].get_ydata()
    assert np.max(huber_curve) == pytest.approx(0.5 * (3.0 - 0.25))


def test_typed_delta_beyond_slider_keeps_range(app):
    app.set_delta("5")

    assert app.delta == 5.0
    assert app.delta_control.slider.max == 3.0
    assert app.delta_control.slider.value == 3.0
    assert "beyond the slider" in app.delta_control.message.value
    app.set_delta("1")


def test_delta_slider_echo_keeps_typed_value(app):
    app.set_delta("0.0001")
    app.delta_control.slider.value = 0.05  # the browser shows the handle at the slider's minimum
    assert app.delta == 0.0001

    app.set_delta("1.234")
    app.delta_control.slider.value = 1.25  # the browser puts the handle on the slider's grid
    assert app.delta == 1.234

    app.delta_control.slider.value = 1.5
    assert app.delta == 1.5
    app.set_delta("1")


def test_rejected_logits_restore_controls(app):
    app.set_logits("1, 3, -3")
    app.target_dropdown.value = 2
    app.set_logits("-1e308, 1e308")

    assert app.logit_controls.text.value == "1, 3, -3"
    assert app.logit_controls.logits.tolist() == [1.0, 3.0, -3.0]
    assert app.target_dropdown.value == 2
    assert len(app.target_dropdown.options) == 3
    assert "Kept 1, 3, -3" in app.logit_controls.message.value
    app.target_dropdown.value = 0


def test_losses_app_label_smoothing(app):
    app.smoothing_slider.value = 0.3
    smoothed = 0.7 * one_hot(0, 3) + 0.1
    assert app.gradients["cross_entropy"] == pytest.approx(softmax(LOGITS) - smoothed)
    assert app.values["mean_squared_error"] == pytest.approx(EXPECTED_VALUES["mean_squared_error"])


def test_losses_app_target_follows_fewer_classes(app):
    app.target_dropdown.value = 2
    app.set_logits("1, 2")

    assert app.target == 1
    assert [value for _, value in app.target_dropdown.options] == [0, 1]
    assert "moved to class 2" in app.target_note.value


def test_losses_app_ten_classes_label_bars_by_number(app):
    app.set_logits(", ".join(["0"] * 10))
    view = app.comparison_panel.gradient_views["mean_squared_error"]
    assert [label.get_text() for label in view.ax.get_xticklabels()] == [str(i) for i in range(1, 11)]
    assert all(bar.get_visible() for bar in view.bars)


def test_losses_app_close_releases_its_figures():
    app = LossesApp()
    numbers = [figure.number for figure in app.figures]
    app.close()
    assert not set(numbers) & set(plt.get_fignums())


def test_losses_app_never_creates_figures_in_callbacks(app):
    before = len(plt.get_fignums())
    app.set_logits("2, 0, 1, -1")
    app.target_dropdown.value = 3
    app.set_delta("0.4")
    app.curves_panel.error_slider.value = 2.0
    assert len(plt.get_fignums()) == before


# ---------------------------------------------------------------------------
# Bad input: a message beside the control, and the last valid state stays
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("abc", "delta must be a number > 0, got 'abc'"),
    ("", "delta must be a number > 0, got ''"),
    ("0", "delta must be a finite number > 0, got 0"),
    ("-1", "delta must be a finite number > 0, got -1"),
    ("nan", "delta must be a finite number > 0, got nan"),
    ("inf", "delta must be a finite number > 0, got inf"),
])
def test_losses_app_bad_delta_keeps_state(app, text, message):
    app.set_delta(text)

    assert message in app.delta_control.message.value
    assert "Kept 1." in app.delta_control.message.value
    assert app.delta == 1.0
    assert app.values == pytest.approx(EXPECTED_VALUES, abs=1e-12)


def test_losses_app_delta_message_clears(app):
    app.set_delta("x")
    app.set_delta("2")
    assert app.delta_control.message.value == ""
    assert app.delta == 2.0


def test_parse_positive_accepts_spaces():
    assert parse_positive(" 0.25 ", "delta") == 0.25


def test_losses_app_bad_logits_keep_state(app):
    app.set_logits("1, x, 3")

    assert "'x' is not a number" in app.logit_controls.message.value
    assert app.logits.tolist() == LOGITS.tolist()
    assert app.values == pytest.approx(EXPECTED_VALUES, abs=1e-12)


def test_losses_app_core_error_keeps_state(app):
    app.set_logits("1e308, -1e308, 0")

    assert "Cross-entropy is not finite" in app.logit_controls.message.value
    assert "Kept 1, 3, -3" in app.logit_controls.message.value
    assert app.logit_controls.text.value == "1, 3, -3"
    assert app.logits.tolist() == LOGITS.tolist()
    assert app.values == pytest.approx(EXPECTED_VALUES, abs=1e-12)
    position = LESSON_ORDER.index("cross_entropy")
    assert app.comparison_panel.value_view.texts[position].get_text() == "2.129"


def test_losses_app_core_error_message_clears(app):
    app.set_logits("1e308, -1e308, 0")
    app.set_logits("0, 0, 0")
    assert app.error_message.value == ""


# ---------------------------------------------------------------------------
# Confidently wrong predictions
# ---------------------------------------------------------------------------

def test_logits_with_true_probability_sets_f_z():
    rows = logits_with_true_probability(LOGITS, 0, TRUE_PROBABILITIES)
    assert softmax(rows)[:, 0] == pytest.approx(TRUE_PROBABILITIES, rel=1e-9)
    assert np.all(rows[:, 1:] == LOGITS[1:])


def test_losses_app_confidently_wrong_ratio(app):
    norms = app.confidence_panel.norms_at(1e-3)
    assert norms["cross_entropy"] > 10 * norms["mean_squared_error"]


def test_confidence_sweep_at_one_in_a_thousand():
    index = int(np.argmin(np.abs(TRUE_PROBABILITIES - 1e-3)))
    assert TRUE_PROBABILITIES[index] == pytest.approx(1e-3)

    _, norms = confidence_sweep(LOGITS, 0)
    rows = logits_with_true_probability(LOGITS, 0, [1e-3])
    f_minus_y = softmax(rows[0]) - one_hot(0, 3)

    assert norms["cross_entropy"][index] == pytest.approx(np.linalg.norm(f_minus_y))
    assert norms["cross_entropy"][index] > 1.0
    assert norms["cross_entropy"][index] > 10 * norms["mean_squared_error"][index]


def test_confidence_sweep_mse_vanishes_with_two_classes():
    _, norms = confidence_sweep([0.0, 0.0], 0)
    assert norms["mean_squared_error"][0] < 1e-3
    assert norms["cross_entropy"][0] == pytest.approx(np.sqrt(2), rel=1e-3)


def test_losses_on_softmax_rows_match_single():
    rows = np.array([[1.0, 3.0, -3.0], [0.5, -1.0, 2.0]])
    targets = np.array([0, 2])
    values, gradients = losses_on_softmax(rows, targets, delta=0.2, label_smoothing=0.1)

    for index, (row, target) in enumerate(zip(rows, targets)):
        for name in LOSSES:
            options = loss_options(name, delta=0.2, label_smoothing=0.1)
            value, gradient = gradient_wrt_logits(name, row, target, **options)
            assert values[name][index] == pytest.approx(value), name
            assert gradients[name][index] == pytest.approx(gradient), name


def test_confidence_markers_sit_on_the_sweep(app):
    f_z = softmax(LOGITS)[0]
    x, y = app.confidence_panel.norm_view.markers["cross_entropy"].get_data()
    assert x[0] == pytest.approx(f_z)
    assert y[0] == pytest.approx(np.interp(f_z, TRUE_PROBABILITIES, app.confidence_panel.gradient_norms["cross_entropy"]),
                                 rel=1e-3)


def test_confidence_summary_gives_ratio(app):
    assert "At $f_z = 10^{-3}$" in app.confidence_panel.summary.value
    assert "a ratio of" in app.confidence_panel.summary.value


# ---------------------------------------------------------------------------
# Curves over e, m and theta
# ---------------------------------------------------------------------------

def test_regression_curves_at_two():
    curves = regression_curves([2.0, -2.0], delta=1.0)
    assert curves["mean_squared_error"][0].tolist() == [4.0, 4.0]
    assert curves["mean_squared_error"][1].tolist() == [4.0, -4.0]
    assert curves["absolute_difference"][1].tolist() == [1.0, -1.0]
    assert curves["huber"][0].tolist() == [1.5, 1.5]
    assert curves["huber"][1].tolist() == [1.0, -1.0]


def test_huber_curve_continuous_at_delta():
    delta = 0.7
    below, above = regression_curves([delta - 1e-9, delta + 1e-9], delta)["huber"][0]
    assert below == pytest.approx(0.5 * delta**2, abs=1e-8)
    assert above == pytest.approx(0.5 * delta**2, abs=1e-8)


def test_absolute_curve_subgradient_zero_at_kink():
    assert regression_curves([0.0], 1.0)["absolute_difference"][1].tolist() == [0.0]


def test_margin_curves():
    curves = margin_curves([0.0, 1.0, 3.0])
    assert curves["hinge"][0].tolist() == [1.0, 0.0, 0.0]
    assert curves["hinge"][1].tolist() == [-1.0, 0.0, 0.0]
    assert curves["cross_entropy"][0][0] == pytest.approx(np.log(2))
    assert curves["cross_entropy"][1][0] == pytest.approx(-0.5)


def test_angle_curve_derivative_is_sin():
    theta = np.array([-2.0, -0.5, 0.5, np.pi / 2, 3.0])
    loss, derivative = angle_curves(theta)["cosine_distance"]
    assert loss == pytest.approx(1 - np.cos(theta))
    assert derivative == pytest.approx(np.sin(theta))


def test_break_at_jumps_leaves_gap_at_sign_step():
    x, y = break_at_jumps([-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], 0.5)
    assert x.tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert np.isnan(y[1])
    assert np.isnan(y[3])


def test_curves_panel_marks_huber_linear_piece(app):
    app.curves_panel.error_slider.value = -2.0
    panel = app.curves_panel

    assert panel.points["huber"] == pytest.approx((-2.0, 1.5, -1.0))
    assert panel.loss_views[0].markers["huber"].get_data()[1][0] == pytest.approx(1.5)
    assert r"|e| = 2.00 > \delta = 1.00" in panel.formula.value
    assert "= 1.5000" in panel.formula.value
    legend_texts = [text.get_text() for text in panel.loss_views[0].legend.get_texts()]
    assert r"Huber $h_\delta(e)$: 1.500" in legend_texts


def test_curves_panel_marks_huber_quadratic_piece(app):
    app.curves_panel.error_slider.value = 0.5
    assert app.curves_panel.points["huber"] == pytest.approx((0.5, 0.125, 0.5))
    assert r"\tfrac12 (0.50)^2 = 0.1250" in app.curves_panel.formula.value


def test_curves_panel_margin_and_angle_markers(app):
    app.curves_panel.margin_slider.value = 2.0
    app.curves_panel.angle_slider.value = 0.0

    assert app.curves_panel.points["hinge"] == pytest.approx((2.0, 0.0, 0.0))
    assert app.curves_panel.points["cross_entropy"][1] == pytest.approx(np.log1p(np.exp(-2.0)))
    assert app.curves_panel.points["cosine_distance"] == pytest.approx((0.0, 0.0, 0.0))


def test_hidden_figure_drawn_when_shown():
    app = LossesApp()
    app.set_logits("0, 2, -1")
    assert app._stale_figures == {2}
    app.tabs.selected_index = 2
    assert app._stale_figures == set()
