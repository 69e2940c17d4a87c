"""Matplotlib views: each figure is created once and then updated in place.

Views draw; they own no widgets. An app creates a view, calls its ``update``
with new numbers, and the view changes its artists and calls ``draw_idle``.
"""
from backprop_viz.views.bars import BarChart
from backprop_viz.views.curves import CurvePlot, break_at_jumps
from backprop_viz.views.figure import make_figure
from backprop_viz.views.gradient_norms import GradientNormPlot
from backprop_viz.views.heatmap import Heatmap
from backprop_viz.views.training_views import ConfusionMatrix, DecisionRegions, ImageGallery, LearningCurves
from backprop_viz.views.network_diagram import NetworkDiagram

__all__ = ["BarChart", "Heatmap", "make_figure"]
__all__ += ["CurvePlot", "break_at_jumps"]
__all__ += ["GradientNormPlot"]
__all__ += ["NetworkDiagram"]
__all__ += ["ConfusionMatrix", "DecisionRegions", "ImageGallery", "LearningCurves"]
