"""The step-by-step backpropagation app through its Python API."""
import matplotlib
import matplotlib.pyplot as plt
import pytest

matplotlib.use("module://ipympl.backend_nbagg")

from backprop_viz.apps.backprop_app import BackpropStepApp, latex_matrix, load_example  # noqa: E402
from backprop_viz.losses import LOSSES  # noqa: E402
from backprop_viz.network import Network  # noqa: E402
from backprop_viz.softmax import softmax  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def app():
    return BackpropStepApp()


def reference_network(app, activation="relu", loss="cross_entropy"):
    """Build the app's initial network independently of the app."""
    return Network(app.layer_sizes, activation=activation, loss=loss, seed=0)


def test_load_example_is_versicolor_petals():
    x, z, names = load_example(2)
    assert z == 1
    assert names == ("petal length", "petal width")
    assert x == pytest.approx([0.36381776, 0.14220832], abs=1e-8)


def test_latex_matrix_writes_three_decimals():
    assert latex_matrix([[1.0, -0.00001], [0.1234, 2.0]]) == (
        r"\begin{bmatrix}1.000 & 0.000 \\ 0.123 & 2.000\end{bmatrix}")


def test_step_names_for_one_hidden_layer(app):
    assert app.step_names == [
        "Input a_0 = x", "Forward through layer 1", "Logits p = z_2", "Softmax and loss", "Output delta δ_2",
        "Gradients of layer 2", "Back to layer 1: δ_1", "Gradients of layer 1", "Update the weights",
    ]


def test_step_count_for_two_hidden_layers():
    app = BackpropStepApp(hidden_sizes=(3, 2), n_inputs=3)
    assert len(app.step_names) == 12
    assert app.layer_sizes == (3, 3, 2, 3)


def test_stepping_shows_core_numbers(app):
    network = reference_network(app)
    X = app.x.reshape(1, -1)
    cache, logits = network.forward(X)
    loss, gradients = network.loss_and_gradients(X, [app.z])
    expected = {
        "Forward through layer 1": [cache.z[1][0, 0], cache.a[1][0, 2]],
        "Logits p = z_2": logits[0],
        "Softmax and loss": [softmax(logits[0])[1], loss],
        "Output delta δ_2": gradients[2].delta[0],
        "Gradients of layer 2": gradients[2].dW.ravel(),
        "Back to layer 1: δ_1": gradients[1].delta[0],
        "Gradients of layer 1": gradients[1].dW.ravel(),
    }

    seen = []
    while len(seen) < len(app.step_names):
        seen.append(app.step_name)
        for value in expected.get(app.step_name, []):
            assert f"{value:.3f}".replace("-0.000", "0.000") in app.equation.value, (app.step_name, value)
        if len(seen) < len(app.step_names):
            app.next_step()
    assert seen == app.step_names
    assert app.step_index == len(app.step_names) - 1


def test_output_delta_is_f_minus_y_literal(app):
    app.show_step(app.step_names.index("Output delta δ_2"))
    assert app.gradients[2].delta[0] == pytest.approx([0.26556936, -0.57447489, 0.30890553], abs=1e-8)
    assert r"f - y" in app.equation.value
    assert "-0.574" in app.equation.value


def test_previous_and_restart(app):
    app.next_step()
    app.next_step()
    app.previous_step()
    assert app.step_index == 1
    assert app.step_name == "Forward through layer 1"

    app.restart()
    assert app.step_index == 0
    assert app.previous_button.disabled
    app.previous_step()
    assert app.step_index == 0


def test_update_lowers_loss(app):
    app.show_step(len(app.step_names) - 1)
    assert app.loss_after < app.loss
    assert f"{app.loss_after:.3f}" in app.equation.value

    network = reference_network(app)
    for k in network.layers:
        network.weights[k] -= app.learning_rate * app.gradients[k].dW
        network.biases[k] -= app.learning_rate * app.gradients[k].db
    assert app.loss_after == pytest.approx(network.compute_loss(app.x.reshape(1, -1), [app.z]))


def test_next_after_update_starts_next_iteration(app):
    app.show_step(len(app.step_names) - 1)
    expected_loss = app.loss_after
    app.next_step()
    assert app.iteration == 2
    assert app.step_index == 0
    assert app.loss == pytest.approx(expected_loss)

    app.previous_step()
    assert app.iteration == 1
    assert app.step_index == len(app.step_names) - 1

    app.next_step()
    app.restart()
    assert app.iteration == 1
    assert app.loss == pytest.approx(reference_network(app).compute_loss(app.x.reshape(1, -1), [app.z]))


def test_learning_rate_changes_only_update(app):
    gradients = app.gradients
    app.learning_rate_slider.value = 0.01
    assert app.gradients is gradients
    small_step = app.loss - app.loss_after
    app.learning_rate_slider.value = 0.1
    assert app.loss - app.loss_after > small_step > 0


@pytest.mark.parametrize("hidden_sizes, n_inputs", [((3,), 2), ((4,), 3), ((3, 2), 3), ((2, 4), 4)])
def test_gradcheck_errors_small(hidden_sizes, n_inputs):
    app = BackpropStepApp(hidden_sizes=hidden_sizes, n_inputs=n_inputs)
    assert set(app.gradcheck_errors) == set(range(1, len(hidden_sizes) + 2))
    for k, error in app.gradcheck_errors.items():
        assert error <= 1e-7, k


def test_gradcheck_table_lists_every_layer(app):
    assert 'class="bv-gradcheck-table"' in app.gradcheck_table.value
    assert 'data-layer="1"' in app.gradcheck_table.value
    assert 'data-layer="2"' in app.gradcheck_table.value
    assert "bv-gradcheck-table" in app.gradcheck_table._dom_classes


@pytest.mark.parametrize("activation", ["leaky_relu", "sigmoid", "tanh", "identity"])
def test_activation_change_recomputes(app, activation):
    figure = app.fig
    app.activation_dropdown.value = activation
    network = reference_network(app, activation=activation)
    cache, _ = network.forward(app.x.reshape(1, -1))
    assert app.cache.a[1] == pytest.approx(cache.a[1])
    assert app.network.activation.name == activation
    assert app.fig is figure
    for error in app.gradcheck_errors.values():
        assert error <= 1e-7


@pytest.mark.parametrize("loss", sorted(set(LOSSES) - {"cross_entropy"}))
def test_loss_change_recomputes(app, loss):
    app.loss_dropdown.value = loss
    network = reference_network(app, loss=loss)
    expected_loss, gradients = network.loss_and_gradients(app.x.reshape(1, -1), [app.z])
    assert app.loss == pytest.approx(expected_loss)
    assert app.gradients[1].dW == pytest.approx(gradients[1].dW)

    app.show_step(app.step_names.index("Output delta δ_2"))
    assert r"J^\top" in app.equation.value
    for error in app.gradcheck_errors.values():
        assert error <= 1e-7


def test_edge_toggle_shows_gradients(app):
    lines = app.diagram.edges[2]
    app.show_step(app.step_names.index("Gradients of layer 2"))
    weight_widths = [line.get_linewidth() for line in lines.ravel()]

    app.edge_toggle.value = "gradients"
    gradient_widths = [line.get_linewidth() for line in lines.ravel()]
    assert gradient_widths != weight_widths
    assert "partial L" in app.diagram.colorbar.ax.get_xlabel()
    dW = app.gradients[2].dW
    assert app.diagram.edge_texts[2][0, 1].get_text() == f"{dW[0, 1]:.2f}"

    # Layer 1's gradient is not computed yet at this step, so its edges are grey.
    assert app.diagram.edges[1][0, 0].get_color() == "#dddddd"


def test_diagram_reveals_nodes_step_by_step(app):
    assert app.diagram.node_texts[0][0].get_text() == f"{app.x[0]:.2f}"
    assert app.diagram.node_texts[1][0].get_text() == ""
    app.next_step()
    assert app.diagram.node_texts[1][2].get_text() == f"{app.cache.a[1][0, 2]:.2f}"
    assert app.diagram.probability_texts[0].get_text() == ""


def test_figure_renders_every_step(app, tmp_path):
    for index in range(len(app.step_names)):
        app.show_step(index)
        app.fig.savefig(tmp_path / f"step{index}.png")
        assert (tmp_path / f"step{index}.png").stat().st_size > 10_000


def test_widget_has_css_class(app):
    assert "bv-backprop-app" in app.widget._dom_classes


@pytest.mark.parametrize("hidden_sizes, message", [
    ((), "1 or 2 layer widths"),
    ((3, 3, 3), "1 or 2 layer widths"),
    ((5,), "widths from 1 to 4"),
    ((0,), "widths from 1 to 4"),
])
def test_hidden_sizes_rejected(hidden_sizes, message):
    with pytest.raises(ValueError, match=message):
        BackpropStepApp(hidden_sizes=hidden_sizes)


def test_n_inputs_rejected():
    with pytest.raises(ValueError, match="n_inputs must be one of"):
        BackpropStepApp(n_inputs=5)
