"""All lessons as tabs of one widget, for the Voila dashboard."""
import importlib

import ipywidgets as widgets

# Each tab names its app as "module:Class". The module is imported when the tab
# first opens, so start-up imports and builds only the first lesson.
TABS = (
    ("Softmax", "backprop_viz.apps.softmax_app:SoftmaxApp"),
    ("Jacobian", "backprop_viz.apps.jacobian_app:JacobianApp"),
    ("Cross-entropy", "backprop_viz.apps.cross_entropy_app:CrossEntropyApp"),
    ("Losses", "backprop_viz.apps.losses_app:LossesApp"),
    ("Backprop steps", "backprop_viz.apps.backprop_app:BackpropStepApp"),
    ("Gradient flow", "backprop_viz.apps.gradient_flow_app:GradientFlowApp"),
    ("Training lab", "backprop_viz.apps.training_lab_app:TrainingLabApp"),
)


def load_app_class(reference):
    """Import the class named by ``"module:Class"`` and return it."""
    module_name, class_name = reference.split(":")
    return getattr(importlib.import_module(module_name), class_name)


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
            self.apps[title] = load_app_class(TABS[index][1])()
            fit_to_width(self.apps[title].widget)
            self._placeholders[index].children = [self.apps[title].widget]
        self.widget.selected_index = index
        return self.apps[title]

    def _tab_selected(self, change):
        if change["new"] is not None:
            self.open(TABS[change["new"]][0])


def fit_to_width(widget):
    """Let a lesson fit a narrow screen, such as a 1280-pixel projector.

    A lesson that is a row (controls, then figures) wraps, so its figures
    move below the controls when both do not fit side by side, and whatever
    is still wider than the page scrolls instead of being cut off.
    """
    if isinstance(widget, widgets.HBox):
        widget.layout.flex_flow = "row wrap"
    widget.layout.overflow = "auto"
