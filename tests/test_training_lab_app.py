"""The training lab through its Python API: training, divergence, controls, Play and Pause."""
import asyncio
import concurrent.futures

import matplotlib
import numpy as np
import pytest

matplotlib.use("module://ipympl.backend_nbagg")

import matplotlib.pyplot as plt  # noqa: E402

from backprop_viz.apps.training_lab_app import LAB_SETTINGS, TrainingLabApp, scaled_norm  # noqa: E402
from backprop_viz.training import Trainer  # noqa: E402
from backprop_viz.views.training_views import confusion_matrix  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def make_diverging(app):
    """Switch to settings that overflow within the first epoch: spiral, leaky ReLU, SGD with rate 10."""
    app.dataset_dropdown.value = "spiral"
    app.activation_dropdown.value = "leaky_relu"
    app.optimizer_dropdown.value = "sgd"
    app.learning_rate_slider.value = 10.0


def test_confusion_matrix_counts():
    counts = confusion_matrix(np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, 0]), 3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]


def test_scaled_norm_near_float_limit():
    matrix = np.full((3, 4), 1e200)
    with np.errstate(over="ignore"):
        assert np.isinf(np.linalg.norm(matrix))
    assert scaled_norm(matrix) == pytest.approx(1e200 * np.sqrt(12))
    assert scaled_norm(np.zeros((2, 2))) == 0.0


def test_lab_starts_with_digits_defaults():
    app = TrainingLabApp()
    assert app.trainer.network.layer_sizes == (64, 64, 10)
    assert app.optimizer_dropdown.value == "momentum"
    assert app.learning_rate_slider.value == pytest.approx(0.05)
    assert app.trainer.step_count == 0
    assert app.gradient_norms == []
    assert app.norm_view.placeholder.get_visible()


def test_run_epoch_raises_digits_accuracy():
    app = TrainingLabApp()
    before = app.trainer.history.latest()["test_accuracy"]
    app.run_epoch()
    after = app.trainer.history.latest()["test_accuracy"]
    assert before < 0.2
    assert after > 0.85
    assert app.trainer.epoch_count == 1
    assert "epoch 1 (Play stops at 15)" in app.status.value


def test_lab_matches_trainer_from_settings():
    app = TrainingLabApp()
    app.run_epoch()
    app.run_epoch()
    reference = Trainer.from_settings(LAB_SETTINGS["digits"])
    reference.fit(2)
    assert app.trainer.history.test_accuracy == reference.history.test_accuracy
    assert app.gradient_norms == pytest.approx(list(reference.gradient_norms.values()), rel=1e-12)


def test_step_updates_gradient_norm_view():
    app = TrainingLabApp()
    app.step()
    assert app.trainer.step_count == 1
    assert len(app.gradient_norms) == 2
    texts = [text.get_text() for text in app.norm_view.texts if text.get_visible()]
    assert texts == [f"{norm:.3g}" for norm in app.gradient_norms]
    assert not app.norm_view.placeholder.get_visible()


def test_digits_shows_confusion_and_mistakes():
    app = TrainingLabApp()
    app.run_epoch()
    shown = app.confusion_view.image.get_array()
    assert shown.shape == (10, 10)
    assert shown.sum() == len(app.split.z_test)
    assert app.regions_fig.canvas.layout.display == "none"
    assert app.mistakes_fig.canvas.layout.display is None
    titles = [ax.get_title() for ax in app.mistakes_view.axes]
    assert titles[0].startswith("true ")


def test_spiral_shows_decision_regions():
    app = TrainingLabApp()
    app.dataset_dropdown.value = "spiral"
    assert app.trainer.network.layer_sizes == (2, 32, 32, 3)
    assert app.layer_controls.text.value == "2, 32, 32, 3"
    assert app.regions_fig.canvas.layout.display is None
    assert app.mistakes_fig.canvas.layout.display == "none"

    for _ in range(10):
        app.run_epoch()
    regions = app.regions_view.image.get_array()
    assert regions.shape == (100, 100)
    assert set(np.unique(regions)) == {0.0, 1.0, 2.0}
    assert app.trainer.history.latest()["test_accuracy"] > 0.8


def test_divergence_pauses_with_message():
    app = TrainingLabApp()
    make_diverging(app)
    for _ in range(3):
        app.run_epoch()

    assert "Training diverged at step 11" in app.message.value
    assert "Lower the learning rate (now 10)" in app.message.value
    assert not app.is_playing
    assert app.trainer.step_count == 10


def test_divergence_keeps_views_finite():
    app = TrainingLabApp()
    make_diverging(app)
    app.run_epoch()

    for line in app.curves_view.lines.values():
        assert np.all(np.isfinite(line.get_ydata()))
    assert np.all(np.isfinite(app.gradient_norms))
    assert np.all(np.isfinite(app.norm_view.line.get_ydata()))
    assert np.all(np.isfinite(app.regions_view.image.get_array()))
    assert np.all(np.isfinite(app.trainer.network.get_parameter_vector()))


def test_reset_after_divergence():
    app = TrainingLabApp()
    make_diverging(app)
    app.run_epoch()
    app.learning_rate_slider.value = 0.01
    app.reset()

    assert app.message.value == ""
    assert app.trainer.step_count == 0
    assert len(app.trainer.history) == 1
    app.run_epoch()
    assert app.trainer.epoch_count == 1


def test_reset_restores_initial_parameters():
    app = TrainingLabApp()
    initial = app.trainer.network.get_parameter_vector()
    app.run_epoch()
    app.reset()
    np.testing.assert_array_equal(app.trainer.network.get_parameter_vector(), initial)
    assert app.gradient_norms == []


def test_learning_rate_change_keeps_training_state():
    app = TrainingLabApp()
    app.run_epoch()
    app.learning_rate_slider.value = 0.01
    assert app.trainer.optimizer.learning_rate == pytest.approx(0.01)
    assert app.trainer.epoch_count == 1


def test_optimizer_change_builds_new_network():
    app = TrainingLabApp()
    app.run_epoch()
    app.optimizer_dropdown.value = "adam"
    assert app.trainer.optimizer.__class__.__name__ == "Adam"
    assert app.trainer.step_count == 0


def test_bad_widths_keep_network_and_show_message():
    app = TrainingLabApp()
    app.run_epoch()
    trainer = app.trainer
    app.set_layers("64, x, 10")
    assert "'x' is not a whole number" in app.layer_controls.message.value
    assert app.trainer is trainer
    assert app.trainer.epoch_count == 1


def test_depth_21_rejected():
    app = TrainingLabApp()
    app.set_layers(", ".join(["64"] + ["16"] * 20 + ["10"]))
    assert "got 21" in app.layer_controls.message.value
    assert app.trainer.network.depth == 2


def test_good_widths_build_network():
    app = TrainingLabApp()
    app.set_layers("64, 32, 16, 10")
    assert app.trainer.network.layer_sizes == (64, 32, 16, 10)
    assert app.layer_controls.message.value == ""


def in_new_thread(function):
    """Run ``function`` in a thread of its own and return its result or raise its exception.

    The browser tests keep Playwright's event loop running in the main thread for the
    whole session, so ``asyncio.run`` and the no-loop case need a thread without one.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(function).result()


def test_play_without_event_loop_raises():
    app = TrainingLabApp("iris")
    with pytest.raises(RuntimeError, match="running asyncio event loop"):
        in_new_thread(app.play)
    assert not app.is_playing


def test_play_then_pause():
    app = TrainingLabApp("moons")

    async def play_and_pause():
        app.play()
        assert app.is_playing
        assert app.play_button.disabled
        await asyncio.sleep(0.3)
        steps_while_playing = app.trainer.step_count
        app.pause()
        await asyncio.sleep(0.2)
        return steps_while_playing

    steps_while_playing = in_new_thread(lambda: asyncio.run(play_and_pause()))
    assert steps_while_playing > 0
    assert not app.is_playing
    assert not app.play_button.disabled
    assert app.pause_button.disabled
    steps_after_pause = app.trainer.step_count
    assert steps_after_pause >= steps_while_playing
    assert len(app.trainer.history) > 1


def test_play_stops_at_epoch_limit():
    app = TrainingLabApp("iris")
    app.epochs_slider.value = 3

    async def play_until_stopped():
        app.play()
        for _ in range(1000):
            await asyncio.sleep(0.02)
            if not app.is_playing:
                break

    in_new_thread(lambda: asyncio.run(play_until_stopped()))
    assert not app.is_playing
    assert app.trainer.epoch_count == 3
    app.play()
    assert "epoch limit (3)" in app.message.value


def test_play_divergence_pauses():
    app = TrainingLabApp()
    make_diverging(app)

    async def play_until_stopped():
        app.play()
        for _ in range(1000):
            await asyncio.sleep(0.02)
            if not app.is_playing:
                break

    in_new_thread(lambda: asyncio.run(play_until_stopped()))
    assert not app.is_playing
    assert "Training diverged at step 11" in app.message.value


@pytest.mark.parametrize("dataset", ["digits", "spiral", "iris"])
def test_training_lab_figures_render(dataset, tmp_path):
    app = TrainingLabApp(dataset)
    app.step()
    for name in ("curves_fig", "regions_fig", "confusion_fig", "mistakes_fig"):
        getattr(app, name).savefig(tmp_path / f"{name}.png")


def test_epoch_limit_change_updates_status():
    app = TrainingLabApp("iris")
    app.epochs_slider.value = 7
    assert "Play stops at 7" in app.status.value


def test_settings_change_while_playing_says_so():
    app = TrainingLabApp("moons")

    async def play_then_change_activation():
        app.play()
        await asyncio.sleep(0.2)
        app.activation_dropdown.value = "tanh"
        return app.is_playing

    playing_after = in_new_thread(lambda: asyncio.run(play_then_change_activation()))
    assert not playing_after
    assert app.trainer.step_count == 0
    assert "starts from epoch 0, paused" in app.message.value
