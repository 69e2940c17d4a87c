"""All lessons as tabs of one widget, for the Voila dashboard."""
import ipywidgets as widgets

from backprop_viz.apps.backprop_app import BackpropStepApp
from backprop_viz.apps.cross_entropy_app import CrossEntropyApp
from backprop_viz.apps.gradient_flow_app import GradientFlowApp
from backprop_viz.apps.jacobian_app import JacobianApp
from backprop_viz.apps.losses_app import LossesApp
from backprop_viz.apps.softmax_app import SoftmaxApp
from backprop_viz.apps.training_lab_app import TrainingLabApp

TABS = (
    ("Softmax", SoftmaxApp),
    ("Jacobian", JacobianApp),
    ("Cross-entropy", CrossEntropyApp),
    ("Losses", LossesApp),
    ("Backprop steps", BackpropStepApp),
    ("Gradient flow", GradientFlowApp),
    ("Training lab", TrainingLabApp),
)


class Dashboard:
    """One tab per lesson app, each app built the first time its tab is opened.

    Building on demand keeps start-up to the first lesson's cost: the later
    tabs load data sets and train networks.
    """

    def __init__(self):
        self.apps = {}
        self._placeholders = [widgets.Box([widgets.HTML("Loading the lesson…")]) for _ in TABS]
        self.widget = widgets.Tab(children=self._placeholders, titles=[title for title, _ in TABS])
        self.widget.observe(self._tab_selected, names="selected_index")
        self.open(TABS[0][0])

    def open(self, title):
        """Select the tab named ``title``, building its app first if needed, and return the app."""
        titles = [name for name, _ in TABS]
        if title not in titles:
            raise ValueError(f"title must be one of {titles}, got {title!r}")
        index = titles.index(title)
        if title not in self.apps:
            self.apps[title] = TABS[index][1]()
            self._placeholders[index].children = [self.apps[title].widget]
        self.widget.selected_index = index
        return self.apps[title]

    def _tab_selected(self, change):
        if change["new"] is not None:
            self.open(TABS[change["new"]][0])
