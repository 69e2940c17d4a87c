"""Views given extreme numbers still draw."""
import io

import matplotlib

matplotlib.use("module://ipympl.backend_nbagg")

from backprop_viz.views import GradientNormPlot, make_figure  # noqa: E402


def test_gradient_norms_extreme_values_render():
    fig, ax = make_figure(4, 3)
    view = GradientNormPlot(ax, 5)
    view.update([1e-320, 1.0, 1e305, float("inf")])
    fig.savefig(io.BytesIO(), format="png")
    assert ax.get_ylim()[1] <= 1e200
    assert view.texts[3].get_text() == "inf"
