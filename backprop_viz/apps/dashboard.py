"""All lessons as tabs of one widget, for the Voila dashboard."""
import ipywidgets as widgets

from backprop_viz.apps.cross_entropy_app import CrossEntropyApp
from backprop_viz.apps.jacobian_app import JacobianApp
from backprop_viz.apps.softmax_app import SoftmaxApp

TABS = (
    ("Softmax", SoftmaxApp),
    ("Jacobian", JacobianApp),
    ("Cross-entropy", CrossEntropyApp),
)


class Dashboard:
    """One tab per lesson app; ``apps`` maps each tab title to its app."""

    def __init__(self):
        self.apps = {title: make_app() for title, make_app in TABS}
        self.widget = widgets.Tab(children=[app.widget for app in self.apps.values()],
                                  titles=list(self.apps))
