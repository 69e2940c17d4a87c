"""Views given extreme numbers still draw."""
import io

import matplotlib

matplotlib.use("module://ipympl.backend_nbagg")

from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402

from backprop_viz.views import GradientNormPlot, make_figure  # noqa: E402


def test_gradient_norms_extreme_values_render():
    fig, ax = make_figure(4, 3)
    view = GradientNormPlot(ax, 5)
    view.update([1e-320, 1.0, 1e305, float("inf")])
    fig.savefig(io.BytesIO(), format="png")
    assert ax.get_ylim()[1] <= 1e200
    assert view.texts[3].get_text() == "inf"


def count_layouts(monkeypatch):
    """Make every constrained layout pass append to the returned list."""
    calls = []
    original = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda engine, fig: calls.append(fig) or original(engine, fig))
    return calls


def test_settled_layout_skips_layout_when_only_values_change(monkeypatch):
    fig, ax = make_figure(4, 3)
    bars = ax.bar([0, 1, 2], [0.2, 0.5, 0.3])
    ax.set_ylim(0, 1)
    fig.canvas.draw()
    position = ax.get_position().bounds
    layouts = count_layouts(monkeypatch)

    bars[0].set_height(0.9)
    fig.canvas.draw()

    assert layouts == []
    assert ax.get_position().bounds == position


def test_settled_layout_makes_room_for_longer_labels(monkeypatch):
    fig, ax = make_figure(4, 3)
    ax.plot([0, 1], [0, 1])
    fig.canvas.draw()
    left = ax.get_position().x0
    layouts = count_layouts(monkeypatch)

    ax.set_ylim(0, 1e6 + 1)
    ax.yaxis.set_major_formatter("{x:.1f}")
    fig.canvas.draw()

    assert len(layouts) == 1
    assert ax.get_position().x0 > left + 0.05


def test_settled_layout_keeps_margins_when_labels_shrink(monkeypatch):
    fig, ax = make_figure(4, 3)
    ax.plot([0, 1], [0, 1])
    ax.set_ylim(0, 100000)
    fig.canvas.draw()
    left = ax.get_position().x0
    layouts = count_layouts(monkeypatch)

    ax.set_ylim(0, 1)
    fig.canvas.draw()
    ax.set_ylabel("probability")
    fig.canvas.draw()

    assert len(layouts) == 1
    assert ax.get_position().x0 != left
