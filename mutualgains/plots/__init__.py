"""Plots (``pip install "mutualgains[plot]"``): every function takes ``ax=None`` and returns
the Axes; matplotlib is imported only when a plot is drawn.

One module per picture: :mod:`~mutualgains.plots.space` (the utility space of two
parties), :mod:`~mutualgains.plots.gains` (each party's gain under each solution),
:mod:`~mutualgains.plots.dependencies` (the relations between options),
:mod:`~mutualgains.plots.phasing` (a phasing plan's schedule and spending),
:mod:`~mutualgains.plots.review` (a deal under review against what it could give),
:mod:`~mutualgains.plots.robustness` (acceptance probabilities and rank acceptability),
:mod:`~mutualgains.plots.shares` (each party's share under each sharing rule), and
:mod:`~mutualgains.plots.interactive` (hover to see a point's package and gains; plotly).
What they share (the lazy pyplot import, ``ax=None``, sizes, legends outside the
data, captions, coinciding markers) is in :mod:`~mutualgains.plots.axes`.

Examples
--------
>>> from mutualgains import plots
>>> from mutualgains.io.examples import load_example
>>> ax = plots.gains_chart(load_example("harbour"))
>>> ax.get_ylabel()
'gain over BATNA'
"""

from mutualgains.plots.dependencies import dependency_chart
from mutualgains.plots.gains import gains_chart
from mutualgains.plots.interactive import frontier_figure, utility_space_figure
from mutualgains.plots.phasing import gantt_chart, spend_chart, value_chart
from mutualgains.plots.review import review_chart
from mutualgains.plots.robustness import acceptance_chart, rank_chart
from mutualgains.plots.shares import shares_chart
from mutualgains.plots.space import utility_space

__all__ = ["acceptance_chart", "dependency_chart", "frontier_figure", "gains_chart", "gantt_chart",
           "rank_chart", "review_chart", "shares_chart", "spend_chart", "utility_space",
           "utility_space_figure", "value_chart"]
