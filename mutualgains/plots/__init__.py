"""Plots (``pip install "mutualgains[plot]"``): every function takes ``ax=None`` and returns
the Axes; matplotlib is imported only when a plot is drawn."""

from mutualgains.plots.charts import (
    dependency_chart,
    gains_chart,
    gantt_chart,
    spend_chart,
    utility_space,
)
from mutualgains.plots.shares import shares_chart

__all__ = ["dependency_chart", "gains_chart", "gantt_chart", "shares_chart", "spend_chart",
           "utility_space"]
