r"""The training lab: mini-batch training that runs live, with its curves, gradients and mistakes."""
import asyncio
import logging
import time

import ipywidgets as widgets
import numpy as np

from backprop_viz.apps.layer_controls import ERROR_STYLE, LayerControls
from backprop_viz.datasets import DATASETS, load_dataset
from backprop_viz.network import MAX_DEPTH
from backprop_viz.optimizers import OPTIMIZERS
from backprop_viz.training import DIGITS_DEFAULTS, SPIRAL_DEFAULTS, Trainer, TrainingDiverged
from backprop_viz.views import (ConfusionMatrix, DecisionRegions, GradientNormPlot, ImageGallery, LearningCurves,
                                make_figure)
from backprop_viz.views.training_views import confusion_matrix

logger = logging.getLogger(__name__)

_SMALL_SET = {"activation": "relu", "init": "he", "init_scale": 1.0, "loss": "cross_entropy", "optimizer": "adam",
              "learning_rate": 0.01, "weight_decay": 0.0, "batch_size": 32, "epochs": 100, "seed": 0,
              "dataset_options": {}}
LAB_SETTINGS = {
    "digits": dict(DIGITS_DEFAULTS),
    "iris": {**_SMALL_SET, "dataset": "iris", "layer_sizes": (4, 16, 3), "batch_size": 16},
    "moons": {**_SMALL_SET, "dataset": "moons", "layer_sizes": (2, 16, 16, 2)},
    "circles": {**_SMALL_SET, "dataset": "circles", "layer_sizes": (2, 16, 16, 2)},
    "spiral": {**dict(SPIRAL_DEFAULTS), "dataset_options": dict(SPIRAL_DEFAULTS["dataset_options"])},
    "xor": {**_SMALL_SET, "dataset": "xor", "layer_sizes": (2, 16, 16, 2)},
}
"""The settings each data set starts with, in the form :meth:`Trainer.from_settings` reads."""

ACTIVATION_CHOICES = ("relu", "leaky_relu", "tanh", "sigmoid", "identity")
BATCH_SIZES = (8, 16, 32, 64, 128, 256)
WEIGHT_DECAYS = (0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)

CHUNK_SECONDS = 0.1
"""The maximum time Play trains before it lets the kernel handle widget messages such as Pause."""
REDRAW_SECONDS = 0.1
"""The shortest time between two redraws while playing: at most 10 redraws, and so 10 epochs, a second."""
GALLERY_SIZE = 8


def scaled_norm(matrix):
    r"""Return the Frobenius norm of ``matrix`` without overflow for entries up to the float64 limit."""
    largest = float(np.max(np.abs(matrix)))
    if largest == 0 or not np.isfinite(largest):
        return largest
    return largest * float(np.linalg.norm(matrix / largest))


class TrainingLabApp:
    r"""Train a classifier live and watch its learning curves, gradients and decisions.

    Controls set the data set, the learning rate :math:`\eta`, the batch size,
    the optimiser, the L2 strength :math:`\lambda`, the hidden activation and
    the layer widths. Buttons run training: Play (in chunks on the kernel's
    event loop, so Pause and other widgets stay responsive), Pause, Step (one
    mini-batch), Epoch and Reset.

    The figures show the loss and accuracy on the training and test sets,
    :math:`\lVert \partial L/\partial W_k \rVert` of the last mini-batch, the
    confusion matrix on the test set, and either the decision regions (for
    the two-dimensional sets) or misclassified test images (for digits).

    Changing the learning rate takes effect at the next step. Changing any
    other setting builds a new network and pauses.

    If training diverges, it pauses and the message beside the buttons names
    the step that failed and what to do. The trainer has restored the parameters from
    before that step, so the figures keep the last finite state.

    Parameters
    ----------
    dataset : str, default "digits"
        A key of :data:`LAB_SETTINGS`.
    """

    def __init__(self, dataset="digits"):
        if dataset not in LAB_SETTINGS:
            raise ValueError(f"dataset must be one of {list(LAB_SETTINGS)}, got {dataset!r}")
        self._splits = {}
        self._syncing = False
        self._playing = False
        self._task = None
        self.trainer = None

        settings = LAB_SETTINGS[dataset]
        split = self._load(dataset)
        self._build_controls(dataset, settings, split)
        self._build_figures()
        self.widget = widgets.HBox([self.controls, self.display])
        self.widget.add_class("bv-training-lab-app")
        self._rebuild()

    # Building ---------------------------------------------------------------

    def _build_controls(self, dataset, settings, split):
        narrow = widgets.Layout(width="320px")
        self.dataset_dropdown = widgets.Dropdown(options=list(DATASETS), value=dataset, description="data set",
                                                 layout=narrow)
        self.learning_rate_slider = widgets.FloatLogSlider(value=settings["learning_rate"], base=10, min=-4, max=2,
                                                           step=0.1, description=r"rate $\eta$",
                                                           readout_format=".3g", continuous_update=False,
                                                           layout=narrow)
        self.batch_dropdown = widgets.Dropdown(options=BATCH_SIZES, value=settings["batch_size"],
                                               description="batch size", layout=narrow)
        self.optimizer_dropdown = widgets.Dropdown(options=list(OPTIMIZERS), value=settings["optimizer"],
                                                   description="optimiser", layout=narrow)
        self.weight_decay_slider = widgets.SelectionSlider(options=[(f"{value:g}", value) for value in WEIGHT_DECAYS],
                                                           value=settings["weight_decay"],
                                                           description=r"L2 $\lambda$", continuous_update=False,
                                                           layout=narrow)
        self.activation_dropdown = widgets.Dropdown(options=ACTIVATION_CHOICES, value=settings["activation"],
                                                    description="activation", layout=narrow)
        self.layer_controls = LayerControls(split.n_features, split.n_classes, settings["layer_sizes"],
                                            self._settings_changed)
        self.epochs_slider = widgets.IntSlider(value=settings["epochs"], min=1, max=500,
                                               description="stop at epoch", continuous_update=False,
                                               style={"description_width": "initial"}, layout=narrow)

        def button():
            # A fixed width that the toolbar row cannot shrink, so no label is cut short.
            return widgets.Layout(width="100px", flex="0 0 auto")

        self.play_button = widgets.Button(description="Play", icon="play", button_style="success", layout=button())
        self.pause_button = widgets.Button(description="Pause", icon="pause", disabled=True, layout=button())
        self.step_button = widgets.Button(description="Step", icon="step-forward", layout=button())
        self.epoch_button = widgets.Button(description="Epoch", icon="fast-forward", layout=button())
        self.reset_button = widgets.Button(description="Reset", icon="undo", layout=button())
        self.message = widgets.HTML(layout=widgets.Layout(min_height="1.5em", max_width="330px"))
        self.message.add_class("bv-training-lab-message")
        self.status = widgets.HTML()
        self.status.add_class("bv-training-lab-status")

        self.dataset_dropdown.observe(self._dataset_changed, names="value")
        self.learning_rate_slider.observe(self._learning_rate_changed, names="value")
        for control in (self.batch_dropdown, self.optimizer_dropdown, self.weight_decay_slider,
                        self.activation_dropdown):
            control.observe(lambda change: self._settings_changed(), names="value")
        self.play_button.on_click(lambda button: self.play())
        self.pause_button.on_click(lambda button: self.pause())
        self.step_button.on_click(lambda button: self.step())
        self.epoch_button.on_click(lambda button: self.run_epoch())
        self.reset_button.on_click(lambda button: self.reset())
        self.epochs_slider.observe(lambda change: self._write_status(), names="value")

        buttons = widgets.HBox([self.play_button, self.pause_button, self.step_button, self.epoch_button,
                                self.reset_button], layout=widgets.Layout(flex_flow="row wrap"))
        self.controls = widgets.VBox([
            buttons, self.message, self.epochs_slider, self.dataset_dropdown, self.learning_rate_slider,
            self.optimizer_dropdown, self.batch_dropdown, self.weight_decay_slider, self.activation_dropdown,
            self.layer_controls.widget,
        ], layout=widgets.Layout(width="350px"))

    def _build_figures(self):
        self.curves_fig, (loss_ax, accuracy_ax, norm_ax) = make_figure(9.4, 2.9, 1, 3)
        self.curves_view = LearningCurves(loss_ax, accuracy_ax)
        self.norm_view = GradientNormPlot(norm_ax, MAX_DEPTH, title="gradient norms, last mini-batch",
                                          placeholder="press Step or Play")
        self.norm_view.ax.title.set_fontsize(10)

        self.regions_fig, regions_ax = make_figure(4.4, 4.0)
        self.regions_view = DecisionRegions(regions_ax)
        self.confusion_fig, confusion_ax = make_figure(4.4, 4.0)
        self.confusion_view = ConfusionMatrix(confusion_ax)
        self.mistakes_fig, mistake_axes = make_figure(4.4, 3.4, 2, GALLERY_SIZE // 2)
        self.mistakes_fig.suptitle("misclassified test images", fontsize=10)
        self.mistakes_view = ImageGallery(mistake_axes.ravel(), (8, 8), empty_text="no test image misclassified")

        lower = widgets.HBox([self.regions_fig.canvas, self.confusion_fig.canvas, self.mistakes_fig.canvas])
        self.display = widgets.VBox([self.status, self.curves_fig.canvas, lower])

    def _load(self, dataset):
        if dataset not in self._splits:
            self._splits[dataset] = load_dataset(dataset, **LAB_SETTINGS[dataset]["dataset_options"])
        return self._splits[dataset]

    # Plain-Python API -------------------------------------------------------

    @property
    def split(self):
        """The train/test split of the chosen data set."""
        return self._load(self.dataset_dropdown.value)

    @property
    def is_playing(self):
        """Whether Play is training in the background."""
        return self._playing

    @property
    def settings(self):
        """The settings of the current network, in the form :meth:`Trainer.from_settings` reads."""
        dataset = self.dataset_dropdown.value
        return {
            **LAB_SETTINGS[dataset],
            "layer_sizes": tuple(self.layer_controls.layer_sizes),
            "activation": self.activation_dropdown.value,
            "optimizer": self.optimizer_dropdown.value,
            "learning_rate": self.learning_rate_slider.value,
            "weight_decay": self.weight_decay_slider.value,
            "batch_size": self.batch_dropdown.value,
            "epochs": self.epochs_slider.value,
        }

    @property
    def gradient_norms(self):
        r"""``[||dL/dW_1||, ..., ||dL/dW_l||]`` of the last mini-batch, index 0 for layer 1, empty before any step.

        Each norm is computed as :math:`m \lVert G / m \rVert` with
        :math:`m = \max |G_{ij}|`, so that gradients near the float64 limit,
        as just before a divergence, give a finite norm.
        """
        gradients = self.trainer.last_gradients or {}
        return [scaled_norm(gradients[k].dW) for k in sorted(gradients)]

    def set_layers(self, text):
        """Type widths such as ``"2, 32, 32, 3"`` into the widths box, as a student would."""
        self.layer_controls.set_text(text)

    def step(self):
        """Train on one mini-batch and redraw."""
        self._train(self.trainer.step)
        self._draw()

    def run_epoch(self):
        """Train until the current pass over the training set ends, and redraw."""
        self._train(self.trainer.epoch)
        self._draw()

    def reset(self):
        """Pause, restore the initial parameters of this network, clear the history and redraw."""
        self.pause()
        self.trainer.reset()
        self.message.value = ""
        self._draw()

    def play(self):
        r"""Start training in the background until Pause, the epoch limit or a divergence.

        Training runs as an asyncio task on the running event loop (the
        kernel's, in Jupyter), in chunks that end with an epoch or after
        ``CHUNK_SECONDS``. After each chunk the task awaits ``asyncio.sleep``,
        so the kernel handles widget messages, and redraws, at most every
        ``REDRAW_SECONDS``. Each epoch is therefore drawn.

        Raises
        ------
        RuntimeError
            If no asyncio event loop is running in this thread. Use
            :meth:`step` or :meth:`run_epoch` there instead.
        """
        if self._playing:
            return
        if self._task is not None:
            # Paused, but the task has not seen it yet: let it go on.
            self._playing = True
            self._show_playing()
            return
        if self.trainer.divergence is not None:
            self._show_error(str(self.trainer.divergence))
            return
        if self.trainer.epoch_count >= self.epochs_slider.value:
            self._show_error(f"Training reached the epoch limit ({self.epochs_slider.value}). "
                             f"Raise 'stop at epoch' or press Reset.")
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError("play() needs a running asyncio event loop, as in a Jupyter kernel; "
                               "call step() or run_epoch() instead") from None

        self.message.value = ""
        self._playing = True
        self._show_playing()
        self._task = loop.create_task(self._play_loop())

    def pause(self):
        """Stop Play after the chunk that is running. Calling it while paused does nothing."""
        self._playing = False
        self._show_playing()

    # Training ---------------------------------------------------------------

    def _train(self, action):
        """Run ``action`` and return True, or show why training stopped and return False."""
        try:
            action()
        except TrainingDiverged as error:
            self.pause()
            self._show_error(str(error))
            return False
        return True

    async def _play_loop(self):
        last_draw = time.perf_counter()
        try:
            while self._playing:
                self._train_chunk()

                # Sleeping until the next redraw is due also lets the kernel handle widget messages.
                await asyncio.sleep(max(REDRAW_SECONDS - (time.perf_counter() - last_draw), 0.005))
                self._draw()
                last_draw = time.perf_counter()
        except Exception as error:
            # A task's exception would only reach the log, so show it beside the buttons too.
            logger.exception("training stopped by an unexpected error")
            self._show_error(f"Training stopped by an unexpected error ({error}). Press Reset to start again.")
        finally:
            self._playing = False
            self._task = None
            self._show_playing()
            self._draw()

    def _train_chunk(self):
        """Train until the epoch ends or ``CHUNK_SECONDS`` pass, and pause at the epoch limit or a divergence."""
        start = time.perf_counter()
        epoch = self.trainer.epoch_count
        while self._playing and self.trainer.epoch_count == epoch and time.perf_counter() - start < CHUNK_SECONDS:
            if self.trainer.epoch_count >= self.epochs_slider.value or not self._train(self.trainer.step):
                self.pause()

    # Control changes --------------------------------------------------------

    def _dataset_changed(self, change):
        dataset = change["new"]
        settings = LAB_SETTINGS[dataset]
        split = self._load(dataset)

        self._syncing = True
        try:
            self.learning_rate_slider.value = settings["learning_rate"]
            self.batch_dropdown.value = settings["batch_size"]
            self.optimizer_dropdown.value = settings["optimizer"]
            self.weight_decay_slider.value = settings["weight_decay"]
            self.activation_dropdown.value = settings["activation"]
            self.epochs_slider.value = settings["epochs"]
            self.layer_controls.set_layer_sizes(settings["layer_sizes"], split.n_features, split.n_classes)
        finally:
            self._syncing = False
        self._rebuild()

    def _learning_rate_changed(self, change):
        if self._syncing:
            return
        self.trainer.set_learning_rate(change["new"])
        self.message.value = ""
        self._write_status()

    def _settings_changed(self):
        if self._syncing:
            return
        self._rebuild()

    def _rebuild(self):
        """Pause, build a new network and trainer from the controls, and redraw every view."""
        was_playing = self.is_playing
        self.pause()
        split = self.split
        self.trainer = Trainer.from_settings(self.settings, split=split)
        self.message.value = ("New settings: a new network starts from epoch 0, paused. Press Play to train it."
                              if was_playing else "")

        two_dimensional = split.n_features == 2
        self.regions_fig.canvas.layout.display = None if two_dimensional else "none"
        self.mistakes_fig.canvas.layout.display = None if split.image_shape is not None else "none"
        if two_dimensional:
            self.regions_view.set_points(split)
        self._draw()

    # Drawing ----------------------------------------------------------------

    def _draw(self):
        trainer = self.trainer
        split = self.split
        network = trainer.network

        self.curves_view.update(trainer.history)
        self.norm_view.update(self.gradient_norms)
        self.curves_fig.refresh()

        # After a divergence the restored parameters can be large enough to
        # overflow the logits; the predictions are then only approximate.
        with np.errstate(over="ignore", invalid="ignore"):
            predicted = network.predict(split.X_test)
            grid_predicted = network.predict(self.regions_view.grid_points) if split.n_features == 2 else None
        self.confusion_view.update(confusion_matrix(split.z_test, predicted, split.n_classes), split.class_names)
        self.confusion_fig.refresh()

        if grid_predicted is not None:
            self.regions_view.update(grid_predicted)
            self.regions_fig.refresh()
        if split.image_shape is not None:
            self._draw_mistakes(predicted)
        self._write_status()

    def _draw_mistakes(self, predicted):
        split = self.split
        wrong = np.flatnonzero(predicted != split.z_test)[:GALLERY_SIZE]
        images = [split.X_test[index].reshape(split.image_shape) for index in wrong]
        titles = [f"true {split.z_test[index]}\npredicted {predicted[index]}" for index in wrong]
        self.mistakes_view.update(images, titles)
        self.mistakes_fig.refresh()

    def _write_status(self):
        trainer = self.trainer
        latest = trainer.history.latest()
        self.status.value = (
            f"step {trainer.step_count}, epoch {trainer.epoch_count} (Play stops at {self.epochs_slider.value}) · "
            f"train accuracy {latest['train_accuracy']:.1%} · test accuracy {latest['test_accuracy']:.1%} · "
            f"{self.trainer.n_train} training and {len(self.split.z_test)} test examples · "
            f"rate {trainer.optimizer.learning_rate:.3g}"
        )

    def _show_error(self, text):
        self.message.value = f'<span style="{ERROR_STYLE}">{text}</span>'

    def _show_playing(self):
        self.play_button.disabled = self._playing
        self.pause_button.disabled = not self._playing
        self.step_button.disabled = self._playing
        self.epoch_button.disabled = self._playing
