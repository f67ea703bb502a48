"""Plots of results, drawn with matplotlib (an optional dependency: ``mutualgains[plot]``).

matplotlib is imported when a plot is drawn, never on ``import mutualgains``.
Every function takes ``ax=None`` (a new figure when it is None) and returns the
Axes it drew on.

:func:`gantt_chart`
    The schedule of a :class:`~mutualgains.phasing.PhaseResult`: one bar per
    scheduled project from its start to its finish period.
:func:`spend_chart`
    Spend per period against the budget (and the money available with
    carry-over), with the cumulative value realised per party on a second axis.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import mutualgains as mg
>>> from mutualgains.phasing import phase
>>> case = mg.load_example("regional")
>>> plan = phase(case, mg.solve(case).package)
>>> ax = gantt_chart(plan)
>>> len(ax.patches)
16
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from mutualgains.phasing import PhaseResult

__all__ = ["gantt_chart", "spend_chart"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("plots need matplotlib: pip install 'mutualgains[plot]'") from err
    return plt


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=size)
    return ax


def gantt_chart(result: PhaseResult, *, ax: Axes | None = None, deferred: bool = True,
                color: str = "tab:blue") -> Axes:
    """A Gantt chart of a phasing schedule: one bar per scheduled project.

    Projects are listed top to bottom by start period. A bar covers the periods
    in which the project runs; its label is the project's weighted value.
    Deferred projects are named below the axis when ``deferred`` is true.

    Parameters
    ----------
    result : PhaseResult
        The outcome of :func:`mutualgains.phasing.phase`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    deferred : bool, default True
        Name the deferred projects in a note under the chart.
    color : str
        Bar colour.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import mutualgains as mg
    >>> from mutualgains.phasing import phase
    >>> case = mg.load_example("regional")
    >>> ax = gantt_chart(phase(case, mg.solve(case).package))
    >>> ax.get_yticklabels()[0].get_text()
    'flood warning app'
    """
    frame = result.schedule
    n = len(frame)
    ax = _axes(ax, (9.0, 1.0 + 0.35 * max(n, 1)))
    rows = np.arange(n)
    # period t spans [t - 0.5, t + 0.5] on the x axis, so a bar covers start..finish
    lefts = frame["start"].to_numpy(dtype=float) - 0.5
    widths = frame["duration"].to_numpy(dtype=float)
    bars = ax.barh(rows, widths, left=lefts, height=0.6, color=color, alpha=0.8,
                   edgecolor="black", linewidth=0.5)
    for bar, value in zip(bars, frame["value"], strict=True):
        ax.annotate(f"{value:g}", (bar.get_x() + bar.get_width(), bar.get_y() +
                                   bar.get_height() / 2), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7)
    ax.set_yticks(rows, list(frame["project"]))
    ax.set_ylim(max(n, 1) - 0.5, -0.5)  # first start on top
    ax.set_xlim(0.5, result.periods + 0.5 + max(0.8, 0.08 * result.periods))  # room for labels
    ax.axvline(result.periods + 0.5, color="gray", linestyle="--", linewidth=1)
    ax.set_xticks(range(1, result.periods + 1))
    ax.set_xlabel("period")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"{result.case_name or 'schedule'}: {result.status.value}"
                 + (f", discounted value {result.discounted_value:.4g}"
                    if result.discounted_value is not None else ""))
    if deferred:
        late = result.deferred
        if len(late):
            ax.text(0.0, -0.12, "deferred: " + ", ".join(late["project"]),
                    transform=ax.transAxes, fontsize=8, va="top", wrap=True)
    return ax


def spend_chart(result: PhaseResult, *, ax: Axes | None = None,
                parties: list[str] | None = None, weighted: bool = False) -> Axes:
    """Spend per period against the budget, with the cumulative value per party.

    Bars: money spent per period. Steps: the period's budget, and the money
    available with what is carried over. Lines on the right axis (returned
    Axes' ``right_ax`` attribute): each party's cumulative value realised.

    Parameters
    ----------
    result : PhaseResult
        The outcome of :func:`mutualgains.phasing.phase`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    parties : list of str, optional
        The parties to draw a value line for (default: all).
    weighted : bool, default False
        Also draw the weighted total (dashed).

    Returns
    -------
    matplotlib.axes.Axes
        The spending axes; the value lines are on ``ax.right_ax``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import mutualgains as mg
    >>> from mutualgains.phasing import phase
    >>> case = mg.load_example("regional")
    >>> ax = spend_chart(phase(case, mg.solve(case).package))
    >>> len(ax.containers[0]), len(ax.right_ax.get_lines())
    (10, 6)
    """
    if parties is None:
        parties = list(result.parties)
    unknown = [p for p in parties if p not in result.parties]
    if unknown:
        from mutualgains.errors import UsageError

        raise UsageError(f"parties: unknown party {unknown[0]!r} "
                         f"(parties: {', '.join(result.parties)})")
    ax = _axes(ax, (9.0, 4.5))
    spend = result.spend
    periods = spend["period"].to_numpy()
    edges = np.arange(len(periods) + 1) + 0.5
    ax.bar(periods, spend["spend"], width=0.7, color="lightgray", edgecolor="gray",
           label="spend")
    ax.stairs(spend["budget"], edges, baseline=None, color="black", linewidth=1.5,
              label="budget")
    if result.carry_over > 0:
        ax.stairs(spend["available"], edges, baseline=None, color="black", linestyle=":",
                  linewidth=1.2,
                  label="available (with carry-over)")
    top = float(max(spend["available"].max(), spend["spend"].max(), 1e-9))
    ax.set_ylim(0, 1.45 * top)  # room for the legend
    ax.set_xlabel("period")
    ax.set_ylabel("money")
    ax.set_xticks(periods)
    right = ax.twinx()
    cumulative = result.cumulative
    lines: list[Any] = []
    for party in parties:
        (line,) = right.plot(periods, cumulative[party], marker="o", markersize=3,
                             label=party)
        lines.append(line)
    if weighted:
        (line,) = right.plot(periods, cumulative["weighted"], color="black", linestyle="--",
                             label="weighted total")
        lines.append(line)
    right.set_ylabel("cumulative value")
    low, high = right.get_ylim()
    right.set_ylim(low, high + 0.45 * (high - low))
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles + lines, labels + [ln.get_label() for ln in lines], fontsize=7,
              loc="upper left", ncol=2)
    ax.set_title(f"{result.case_name or 'schedule'}: spend, budget and value realised")
    ax.right_ax = right
    return ax
