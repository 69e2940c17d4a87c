"""The gradient flow app through its Python API: presets, typed widths and the gradient norms."""
import matplotlib
import numpy as np
import pytest

matplotlib.use("module://ipympl.backend_nbagg")

from backprop_viz.apps.gradient_flow_app import PRESETS, GradientFlowApp, selected_layers  # noqa: E402
from backprop_viz.apps.layer_controls import parse_layer_sizes  # noqa: E402
from backprop_viz.network import Network  # noqa: E402

DEEP_SIGMOID = "vanishing: deep sigmoid"


@pytest.fixture(scope="module")
def app():
    return GradientFlowApp()


@pytest.fixture(autouse=True)
def start_from_vanishing_preset(app):
    app.apply_preset(DEEP_SIGMOID)


def core_norms(app):
    """Compute the norms with the core alone, from the app's settings."""
    network = Network(app.layer_sizes, activation=app.activation_dropdown.value, init=app.init_dropdown.value,
                      init_scale=app.scale_slider.value, seed=0)
    _, gradients = network.loss_and_gradients(app.X, app.z)
    return [np.linalg.norm(gradients[k].dW) for k in network.layers]


def test_parse_layer_sizes_accepts_brackets_and_spaces():
    assert parse_layer_sizes("[64 32, 10]", 64, 10) == [64, 32, 10]


@pytest.mark.parametrize("text, message", [
    ("", "Type the widths"),
    ("64, x, 10", "'x' is not a whole number"),
    ("64, 1.5, 10", "'1.5' is not a whole number"),
    ("64", "at least the input and output widths"),
    ("64, 0, 10", "at least 1, got 0"),
    ("64, -3, 10", "at least 1, got -3"),
    ("32, 32, 10", "first width must be the input size N = 64, got 32"),
    ("64, 32, 9", "last width must be the number of classes T = 10, got 9"),
    ("64, 1000, 10", "at most 256, got 1000"),
    (", ".join(["64"] + ["8"] * 20 + ["10"]), "Depth must be 1 to 20 weight layers, got 21"),
])
def test_parse_layer_sizes_rejects_bad_text(text, message):
    with pytest.raises(ValueError, match=message):
        parse_layer_sizes(text, 64, 10)


def test_selected_layers_first_middle_last():
    assert selected_layers(1) == [1]
    assert selected_layers(2) == [1, 2]
    assert selected_layers(15) == [1, 8, 15]


def test_gradient_norms_equal_core(app):
    for name in PRESETS:
        app.apply_preset(name)
        assert app.gradient_norms == pytest.approx(core_norms(app), rel=1e-12)


def test_softmax_classifier_norm_literal(app):
    app.set_layers("64, 10")
    assert app.network.depth == 1
    assert app.gradient_norms == pytest.approx([0.70485010], rel=1e-7)


def test_deep_sigmoid_first_layer_vanishes(app):
    norms = app.gradient_norms
    assert len(norms) == 15
    assert norms[0] < 1e-3 * norms[-1]
    assert "vanishes" in app.status.value


def test_large_gaussian_scale_explodes(app):
    app.apply_preset("exploding: large Gaussian scale")
    assert app.ratio > 100
    assert "explodes" in app.status.value


@pytest.mark.parametrize("name", ["cure: ReLU + He", "cure: tanh + Glorot"])
def test_cures_keep_ratio_near_one(app, name):
    app.apply_preset(name)
    assert 0.1 <= app.ratio <= 10


def test_he_relu_ratio_stays_near_one_at_depth_20(app):
    app.apply_preset("cure: ReLU + He")
    app.layer_controls.depth_slider.value = 20
    assert app.network.depth == 20
    assert 0.1 <= app.ratio <= 10


def test_preset_sets_every_control(app):
    app.apply_preset("cure: ReLU + He")
    assert app.activation_dropdown.value == "relu"
    assert app.init_dropdown.value == "he"
    assert app.scale_slider.value == 1.0
    assert app.layer_sizes == [64] + [32] * 14 + [10]


def test_unknown_preset_rejected(app):
    with pytest.raises(ValueError, match="preset must be one of"):
        app.apply_preset("shallow")


@pytest.mark.parametrize("text, message", [
    ("64, x, 10", "'x' is not a whole number"),
    ("64, 0, 10", "at least 1, got 0"),
    (", ".join(["64"] + ["8"] * 20 + ["10"]), "got 21"),
])
def test_bad_widths_keep_network_and_show_message(app, text, message):
    network = app.network
    norms = app.gradient_norms
    app.set_layers(text)
    assert message in app.message.value
    assert "Kept 64, 32 x 14, 10." in app.message.value
    assert app.network is network
    assert app.gradient_norms == norms
    assert app.layer_controls.depth_slider.value == 15


def test_good_widths_clear_message_and_move_sliders(app):
    app.set_layers("64, x, 10")
    app.set_layers("64, 48, 16, 10")
    assert app.message.value == ""
    assert app.layer_sizes == [64, 48, 16, 10]
    assert app.layer_controls.depth_slider.value == 3
    assert app.layer_controls.width_slider.value == 48
    assert len(app.gradient_norms) == 3


def test_sliders_rewrite_widths_text(app):
    app.layer_controls.depth_slider.value = 3
    app.layer_controls.width_slider.value = 20
    assert app.layer_controls.text.value == "64, 20, 20, 10"
    assert list(app.network.layer_sizes) == [64, 20, 20, 10]


def test_depth_slider_stops_at_20(app):
    assert app.layer_controls.depth_slider.max == 20


def test_norm_view_writes_each_value(app):
    texts = [text.get_text() for text in app.norm_view.texts if text.get_visible()]
    assert texts == [f"{norm:.3g}" for norm in app.gradient_norms]


def test_maps_hide_beyond_depth(app):
    app.set_layers("64, 10")
    visible = [view.ax.get_visible() for view in app.map_views]
    assert visible == [True, False, False]


@pytest.mark.parametrize("name", list(PRESETS))
def test_gradient_flow_figure_renders(app, name, tmp_path):
    app.apply_preset(name)
    app.fig.savefig(tmp_path / "figure.png")


def test_huge_uniform_gradients_not_called_steady(app):
    app.activation_dropdown.value = "identity"
    app.init_dropdown.value = "gaussian"
    assert max(app.gradient_norms) > 1e3
    assert "huge" in app.status.value


def test_status_names_uniformly_tiny_gradients(app):
    app.apply_preset("cure: ReLU + He")
    app.scale_slider.value = app.scale_slider.min

    assert max(app.gradient_norms) < 1e-6
    assert "every layer's is tiny" in app.status.value
