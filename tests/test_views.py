"""Views given extreme numbers still draw, and figures redraw only what changed."""
import io
import pickle
import time

import matplotlib

matplotlib.use("module://ipympl.backend_nbagg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402

from backprop_viz.views import BarChart, GradientNormPlot, Heatmap, LessonFigure, fitted_limits, make_figure, nice_ceiling  # noqa: E402


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


def test_layout_kept_when_values_change(monkeypatch):
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


def test_layout_grows_for_longer_labels(monkeypatch):
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


def test_layout_kept_when_labels_shrink(monkeypatch):
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


@pytest.mark.parametrize("norms", [[8e-39, 1e-38, 5e-38], [1e-120, 1e-3], [1e-320, 1e-310]])
def test_gradient_norms_tiny_values_inside_axis(norms):
    fig, ax = make_figure(4, 3)
    view = GradientNormPlot(ax, 5)
    view.update(norms)
    bottom, top = ax.get_ylim()
    drawn = view.line.get_ydata()

    assert bottom < top
    assert bottom <= drawn.min()
    assert drawn.max() <= top


def pixels(fig):
    """Return a copy of the canvas's RGBA buffer."""
    return np.asarray(fig.canvas.get_renderer().buffer_rgba()).copy()


def full_draw_pixels(fig):
    """Draw ``fig`` from scratch and return its pixels."""
    fig.stale = True
    fig.canvas.draw()
    return pixels(fig)


def bar_and_heatmap_figure():
    fig, (bar_ax, heat_ax) = make_figure(6, 3, 1, 2)
    bars = BarChart(bar_ax, 4, "f", ylim=(0, 1.1))
    heatmap = Heatmap(heat_ax, (3, 3), title="J")
    bars.update([0.1, 0.2, 0.3, 0.4])
    heatmap.update(np.arange(9.0).reshape(3, 3) / 10)
    fig.canvas.draw()
    return fig, bars, heatmap


def count_full_draws(monkeypatch):
    """Make every full draw of a figure append to the returned list."""
    calls = []
    original = LessonFigure.__mro__[1].draw
    monkeypatch.setattr(LessonFigure.__mro__[1], "draw", lambda fig, renderer: calls.append(fig) or original(fig, renderer))
    return calls


def test_animated_change_skips_full_draw(monkeypatch):
    fig, bars, heatmap = bar_and_heatmap_figure()
    full_draws = count_full_draws(monkeypatch)

    bars.update([0.4, 0.3, 0.2, 0.1])
    heatmap.update(np.arange(9.0).reshape(3, 3) / 12)
    fig.canvas.draw()

    assert full_draws == []
    assert not fig.stale


def test_animated_redraw_matches_full():
    fig, bars, heatmap = bar_and_heatmap_figure()
    before = pixels(fig)

    bars.update([0.4, 0.3, 0.2, 0.1])
    heatmap.update(-np.arange(9.0).reshape(3, 3) / 12)
    fig.canvas.draw()
    redrawn = pixels(fig)

    assert not np.array_equal(redrawn, before)
    assert np.array_equal(redrawn, full_draw_pixels(fig))


def test_limit_change_draws_in_full(monkeypatch):
    fig, bars, heatmap = bar_and_heatmap_figure()
    full_draws = count_full_draws(monkeypatch)

    heatmap.update(np.full((3, 3), 7.0))
    fig.canvas.draw()

    assert full_draws == [fig]
    assert heatmap.image.norm.vmax == 8.0


def saved_pixels(fig):
    """Save ``fig`` as raw RGBA at its own dpi and return the pixels."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="rgba", dpi=fig.dpi)
    return np.frombuffer(buffer.getvalue(), dtype=np.uint8).reshape(pixels(fig).shape)


def differing_fraction(first, second):
    return np.mean(np.any(first != second, axis=2))


def test_saved_figure_shows_animated():
    fig, bars, heatmap = bar_and_heatmap_figure()
    saved = saved_pixels(fig)
    on_screen = full_draw_pixels(fig)
    for artist in [*bars.bars, *bars.texts, heatmap.image, *heatmap.texts.ravel()]:
        artist.set_visible(False)
    without_animated = saved_pixels(fig)

    # Saving draws animated artists in z-order among the others, so edges where they meet a spine may differ.
    assert differing_fraction(saved, on_screen) < 0.02
    assert differing_fraction(saved, without_animated) > 0.1


def test_figure_pickles_without_saved_pixels():
    fig, bars, heatmap = bar_and_heatmap_figure()
    copy = pickle.loads(pickle.dumps(fig))

    assert copy._background is None
    assert [text.get_text() for text in copy.axes[0].texts[:4]] == ["0.100", "0.200", "0.300", "0.400"]


@pytest.mark.parametrize("value, expected", [
    (0.003, 0.003), (0.12, 0.15), (1.0, 1.0), (1.01, 1.5), (2.4, 3.0), (7.0, 8.0), (9.9, 10.0), (12345.0, 15000.0),
])
def test_nice_ceiling_values(value, expected):
    assert nice_ceiling(value) == expected


@pytest.mark.parametrize("value", [0.0, -1.0, float("inf"), float("nan")])
def test_nice_ceiling_rejects_non_positive(value):
    with pytest.raises(ValueError, match="value must be a positive finite number"):
        nice_ceiling(value)


@pytest.mark.parametrize("values, expected", [
    ([0.2, 0.5], (0.0, 0.6)),
    ([-2.0, 1.0], (-3.0, 2.0)),
    ([-1.0, -0.5], (-1.5, 0.2)),
    ([np.nan, np.inf], (0.0, 1.5)),
    ([1e308, -1e308], (-1.5e300, 1.5e300)),
])
def test_fitted_limits_round_up(values, expected):
    assert fitted_limits(np.array(values)) == pytest.approx(expected)


def record_draws(monkeypatch, fig):
    """Replace the canvas's two ways of drawing with recorders and return the record."""
    calls = []
    monkeypatch.setattr(fig.canvas, "draw", lambda: calls.append("now"))
    monkeypatch.setattr(fig.canvas, "draw_idle", lambda: calls.append("idle"))
    return calls


def show_in_browser(fig):
    """Send the canvas the message a browser sends once it shows the canvas."""
    fig.canvas._handle_message(fig.canvas, {"type": "initialized"}, [])


def test_refresh_waits_for_browser(monkeypatch):
    fig, bars, heatmap = bar_and_heatmap_figure()
    calls = record_draws(monkeypatch, fig)

    fig.refresh()

    assert calls == ["idle"]


@pytest.mark.parametrize("last_draw, expected", [
    ((-2.0, -1.0), ["now"]),  # a draw of 1 s that ended 1 s ago: idle long enough
    ((-10.0, 0.0), ["idle"]),  # a draw of 10 s that just ended: defer
])
def test_refresh_when_shown(monkeypatch, last_draw, expected):
    fig, bars, heatmap = bar_and_heatmap_figure()
    show_in_browser(fig)
    calls = record_draws(monkeypatch, fig)
    now = time.perf_counter()
    fig._last_draw = (now + last_draw[0], now + last_draw[1])

    fig.refresh()

    assert calls == expected
