"""Matplotlib views: each figure is created once and then updated in place.

Views draw; they own no widgets. An app creates a view, calls its ``update``
with new numbers, the view changes its artists, and the app calls
``fig.refresh()`` (see `LessonFigure`). Artists that change at every update
are animated, so that a `LessonFigure` can redraw only them.
"""
from backprop_viz.views.bars import BarChart, fitted_limits
from backprop_viz.views.curves import CurvePlot, break_at_jumps
from backprop_viz.views.figure import LessonFigure, make_figure, nice_ceiling
from backprop_viz.views.gradient_norms import GradientNormPlot
from backprop_viz.views.heatmap import Heatmap
from backprop_viz.views.network_diagram import NetworkDiagram
from backprop_viz.views.training_views import ConfusionMatrix, DecisionRegions, ImageGallery, LearningCurves

__all__ = [
    "BarChart",
    "ConfusionMatrix",
    "CurvePlot",
    "DecisionRegions",
    "GradientNormPlot",
    "Heatmap",
    "ImageGallery",
    "LearningCurves",
    "LessonFigure",
    "NetworkDiagram",
    "break_at_jumps",
    "fitted_limits",
    "make_figure",
    "nice_ceiling",
]
