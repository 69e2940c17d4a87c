r"""Views of a training run: learning curves, decision regions, a confusion matrix and example images."""
import numpy as np
from matplotlib.colors import ListedColormap, Normalize

# One strong colour for the points and a pale one for the regions, per class.
CLASS_COLORS = ("#4477aa", "#ee6677", "#228833")
REGION_COLORS = ("#c6d6ea", "#f9d3d8", "#c8e6c9")
CLASS_MARKERS = ("o", "s", "^")
TRAIN_STYLE = {"color": "#4477aa", "linestyle": "-", "marker": "o", "markersize": 3}
TEST_STYLE = {"color": "#ee7733", "linestyle": "--", "marker": "s", "markersize": 3}


class LearningCurves:
    r"""Loss and accuracy on the training and test sets against epochs, updated in place.

    Train curves are solid with round markers and test curves dashed with
    square markers, and each legend entry carries the latest value, so colour
    is never the only way to distinguish them. The loss axis is logarithmic.

    Parameters
    ----------
    loss_ax, accuracy_ax : matplotlib.axes.Axes
    """

    def __init__(self, loss_ax, accuracy_ax):
        self.loss_ax = loss_ax
        self.accuracy_ax = accuracy_ax
        self.lines = {
            "train_loss": loss_ax.plot([], [], label="train", **TRAIN_STYLE)[0],
            "test_loss": loss_ax.plot([], [], label="test", **TEST_STYLE)[0],
            "train_accuracy": accuracy_ax.plot([], [], label="train", **TRAIN_STYLE)[0],
            "test_accuracy": accuracy_ax.plot([], [], label="test", **TEST_STYLE)[0],
        }

        loss_ax.set_yscale("log")
        loss_ax.set_title("loss $L$ (log scale)")
        accuracy_ax.set_title("accuracy")
        accuracy_ax.set_ylim(0.0, 1.03)
        for ax in (loss_ax, accuracy_ax):
            ax.set_xlabel("epoch")
            ax.spines[["top", "right"]].set_visible(False)
            ax.grid(True, which="major", color="0.9", linewidth=0.6)
        self.legends = {
            "loss": loss_ax.legend(loc="best", fontsize=8),
            "accuracy": accuracy_ax.legend(loc="best", fontsize=8),
        }

    def update(self, history):
        """Show every entry of a :class:`~backprop_viz.training.History`."""
        epochs = np.asarray(history.epoch, dtype=np.float64)
        # At most about 30 markers per curve, so long runs stay readable.
        markevery = max(1, len(epochs) // 30)
        for name, line in self.lines.items():
            line.set_data(epochs, getattr(history, name))
            line.set_markevery(markevery)

        latest = history.latest()
        for kind, legend in self.legends.items():
            texts = legend.get_texts()
            texts[0].set_text(f"train {latest[f'train_{kind}']:.3f}")
            texts[1].set_text(f"test {latest[f'test_{kind}']:.3f}")

        right = max(float(epochs.max()), 1.0)
        for ax in (self.loss_ax, self.accuracy_ax):
            ax.set_xlim(0.0, right * 1.02)
        losses = np.concatenate([history.train_loss, history.test_loss])
        losses = losses[np.isfinite(losses) & (losses > 0)]
        if losses.size:
            # Capped so that a loss near the float64 maximum cannot make the limit inf.
            self.loss_ax.set_ylim(losses.min() / 1.5, min(losses.max() * 1.5, 1e300))


class DecisionRegions:
    r"""The class a network predicts over a grid of the plane, with the data points on top.

    The grid is computed once per data set by :meth:`set_points`, and each
    :meth:`update` only replaces the image. Every class has its own marker
    shape as well as its colour. Training points are filled and test points
    hollow.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    max_classes : int, at most 3
    resolution : int
        Grid points along each axis.
    """

    def __init__(self, ax, max_classes=3, resolution=100):
        self.ax = ax
        self.resolution = resolution
        self.grid_points = np.zeros((resolution * resolution, 2))

        cmap = ListedColormap(REGION_COLORS[:max_classes])
        self.image = ax.imshow(np.zeros((resolution, resolution)), origin="lower", cmap=cmap,
                               norm=Normalize(-0.5, max_classes - 0.5), interpolation="nearest", aspect="auto")
        self.train_points = []
        self.test_points = []
        for label in range(max_classes):
            style = {"marker": CLASS_MARKERS[label], "s": 22, "linewidths": 0.8}
            self.train_points.append(ax.scatter([], [], color=CLASS_COLORS[label], edgecolors="black",
                                                label=f"class {label}", **style))
            self.test_points.append(ax.scatter([], [], facecolors="white", edgecolors=CLASS_COLORS[label], **style))

        ax.set_title("predicted class (filled: train, hollow: test)", fontsize=10)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        self.legend = ax.legend(loc="upper left", fontsize=8, framealpha=0.9, handletextpad=0.2)

    def set_points(self, split, margin=0.15):
        """Show a two-dimensional split's points and make the grid around them, with ``margin`` of its span."""
        X = np.vstack([split.X_train, split.X_test])
        low, high = X.min(axis=0), X.max(axis=0)
        span = high - low
        low, high = low - margin * span, high + margin * span

        x1 = np.linspace(low[0], high[0], self.resolution)
        x2 = np.linspace(low[1], high[1], self.resolution)
        grid_x1, grid_x2 = np.meshgrid(x1, x2)
        self.grid_points = np.column_stack([grid_x1.ravel(), grid_x2.ravel()])
        self.image.set_extent((low[0], high[0], low[1], high[1]))
        self.ax.set_xlim(low[0], high[0])
        self.ax.set_ylim(low[1], high[1])

        for label, (train, test) in enumerate(zip(self.train_points, self.test_points)):
            visible = label < split.n_classes
            train.set_offsets(split.X_train[split.z_train == label] if visible else np.zeros((0, 2)))
            test.set_offsets(split.X_test[split.z_test == label] if visible else np.zeros((0, 2)))
            self.legend.legend_handles[label].set_visible(visible)
            self.legend.get_texts()[label].set_visible(visible)

    def update(self, predicted):
        """Show the predicted class of each grid point, shape (resolution ** 2,) in the order of ``grid_points``."""
        self.image.set_data(np.asarray(predicted, dtype=np.float64).reshape(self.resolution, self.resolution))


def confusion_matrix(z, predicted, n_classes):
    r"""Count examples of true class i predicted as class j, shape (T, T)."""
    counts = np.bincount(np.asarray(z) * n_classes + np.asarray(predicted), minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes)


class ConfusionMatrix:
    r"""An annotated heatmap of counts: rows are true classes, columns predicted ones.

    Every cell has its count written on it, so the sequential colour map only
    helps the eye.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    max_classes : int
    """

    def __init__(self, ax, max_classes=10):
        self.ax = ax
        self.image = ax.imshow(np.zeros((max_classes, max_classes)), cmap="Blues", norm=Normalize(0.0, 1.0),
                               interpolation="nearest")
        self.texts = np.empty((max_classes, max_classes), dtype=object)
        for i, j in np.ndindex(max_classes, max_classes):
            self.texts[i, j] = ax.text(j, i, "", ha="center", va="center", fontsize=8)

        ax.set_title("test set: true vs predicted (counts)", fontsize=10)
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")

    def update(self, counts, class_names):
        """Show a (T, T) matrix of counts with ``class_names`` as tick labels."""
        counts = np.asarray(counts)
        n_classes = len(counts)
        largest = max(int(counts.max()), 1)

        self.image.set_data(counts.astype(np.float64))
        self.image.set_extent((-0.5, n_classes - 0.5, n_classes - 0.5, -0.5))
        self.image.norm.vmax = largest
        self.ax.set_xlim(-0.5, n_classes - 0.5)
        self.ax.set_ylim(n_classes - 0.5, -0.5)

        labels = [name if n_classes <= 5 else name[:4] for name in class_names]
        self.ax.set_xticks(np.arange(n_classes), labels)
        # Long names stand upright, so the row labels do not push the axis label off the figure.
        long_names = max(len(label) for label in labels) > 2
        self.ax.set_yticks(np.arange(n_classes), labels, rotation=90 if long_names else 0, va="center")
        for (i, j), text in np.ndenumerate(self.texts):
            visible = i < n_classes and j < n_classes
            text.set_visible(visible)
            if visible:
                text.set_text(str(counts[i, j]))
                text.set_color("white" if counts[i, j] > 0.6 * largest else "black")
                text.set_fontsize(8 if n_classes > 5 else 10)


class ImageGallery:
    r"""A grid of small grey-scale images, each with a title, updated in place.

    Parameters
    ----------
    axes : sequence of matplotlib.axes.Axes
        One per image slot.
    image_shape : (int, int)
    empty_text : str
        Written in the first slot when ``update`` receives no images.
    """

    def __init__(self, axes, image_shape, empty_text=""):
        self.axes = list(axes)
        self.images = [ax.imshow(np.zeros(image_shape), cmap="gray_r", vmin=0.0, vmax=1.0) for ax in self.axes]
        for ax in self.axes:
            ax.set_xticks([])
            ax.set_yticks([])
        self.empty_text = self.axes[0].text(0.5, 0.5, empty_text, transform=self.axes[0].transAxes, ha="left",
                                            va="center", fontsize=9, visible=False)

    def update(self, images, titles):
        """Show ``images`` (each of ``image_shape``) in the first slots and blank the rest."""
        for index, (ax, image) in enumerate(zip(self.axes, self.images)):
            shown = index < len(images)
            image.set_visible(shown)
            ax.set_title(titles[index] if shown else "", fontsize=8, linespacing=1.0)
            ax.set_frame_on(shown)
            if shown:
                image.set_data(images[index])
        self.empty_text.set_visible(len(images) == 0)
