"""A phasing plan in pictures: the schedule (Gantt), the spending against the budget, the value.

Examples
--------
>>> import mutualgains as mg
>>> case = mg.load_example("regional")
>>> plan = mg.phase(case, mg.solve(case).package)
>>> ax = gantt_chart(plan)
>>> len(ax.patches)
16
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from mutualgains.params import AnyOf, Flag, Instance, ListOf, Maybe, Names, Real, Text, validated
from mutualgains.phasing import PhaseResult
from mutualgains.plots.axes import (
    AX,
    axes_or_new,
    caption,
    fit_size,
    legend_outside,
    pyplot,
    wrap_title,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes


__all__ = ["gantt_chart", "spend_chart", "value_chart"]


def _name(result: PhaseResult) -> str:
    return result.case_name or "schedule"


@validated(result=Instance(PhaseResult), ax=AX, deferred=Flag(),
           color=AnyOf((Text(), ListOf(Real(low=0, high=1), min_length=3))))
def gantt_chart(result: PhaseResult, *, ax: Axes | None = None, deferred: bool = True,
                color: str = "tab:blue") -> Axes:
    """A Gantt chart of a phasing schedule: one bar per scheduled project.

    Projects are listed top to bottom by start period. A bar covers the periods
    in which the project runs; the number at its end is the project's weighted
    value, realised when it is completed. The dashed line is the end of the
    horizon. A caption under the chart says so and names the deferred projects
    (when ``deferred``).

    Parameters
    ----------
    result : PhaseResult
        The outcome of :func:`mutualgains.phase`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure (its height from the number of projects) when None.
    deferred : bool, default True
        Name the deferred projects in the caption.
    color : str
        Bar colour.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("regional")
    >>> ax = gantt_chart(mg.phase(case, mg.solve(case).package))
    >>> ax.get_yticklabels()[0].get_text()
    'flood warning app'
    >>> ax.texts[-1].get_text().startswith("Bars: the periods")
    True
    """
    frame = result.schedule
    n = len(frame)
    ax = axes_or_new(ax, (9.0, fit_size(n, each=0.32, base=1.9, low=2.6)))
    rows = np.arange(n)
    # period t spans [t - 0.5, t + 0.5] on the x axis, so a bar covers start..finish
    lefts = frame["start"].to_numpy(dtype=float) - 0.5
    widths = frame["duration"].to_numpy(dtype=float)
    bars = ax.barh(rows, widths, left=lefts, height=0.6, color=color, alpha=0.8,
                   edgecolor="black", linewidth=0.5)
    for bar, value in zip(bars, frame["value"], strict=True):
        ax.annotate(f"{value:g}", (bar.get_x() + bar.get_width(),
                                   bar.get_y() + bar.get_height() / 2), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7)
    ax.set_yticks(rows, list(frame["project"]))
    ax.set_ylim(max(n, 1) - 0.5, -0.5)  # first start on top
    ax.set_xlim(0.5, result.periods + 0.5 + max(0.8, 0.08 * result.periods))  # room for labels
    ax.axvline(result.periods + 0.5, color="gray", linestyle="--", linewidth=1)
    ax.set_xticks(range(1, result.periods + 1))
    ax.set_xlabel("period")
    ax.grid(axis="x", alpha=0.3)
    title = f"{_name(result)}: schedule, {result.status.value}"
    if result.discounted_value is not None:
        title += f", discounted value {result.discounted_value:.4g}"
    wrap_title(ax, title)
    note = ("Bars: the periods in which each project runs; the number at a bar's end: the "
            "project's weighted value, realised when it is completed. Dashed line: the end "
            f"of the horizon ({result.periods} periods).")
    late = result.deferred
    if deferred and len(late):
        note += f" Deferred beyond the horizon: {', '.join(late['project'])}."
    caption(ax, note)
    return ax


@validated(result=Instance(PhaseResult), ax=AX, parties=Maybe(Names()), weighted=Flag(),
           value=Flag())
def spend_chart(result: PhaseResult, *, ax: Axes | None = None,
                parties: Sequence[str] | None = None, weighted: bool = False,
                value: bool = True) -> Axes:
    """Spend per period against the budget; under it, the value realised per party.

    Bars: money spent per period; solid steps: the period's budget; dotted
    steps: the money available with what is carried over (when the plan carries
    money over). Without ``ax`` and with ``value`` (the default), a second panel
    under it (sharing the periods) draws :func:`value_chart`; it is
    ``ax.figure.axes[1]``. Legends stand beside the panels.

    Parameters
    ----------
    result : PhaseResult
        The outcome of :func:`mutualgains.phase`.
    ax : matplotlib Axes, optional
        Where to draw the spending; a new figure when None (then with the value
        panel under it, unless ``value`` is false).
    parties, weighted
        For the value panel: see :func:`value_chart`.
    value : bool, default True
        Draw the value panel when making a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The spending panel.

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("regional")
    >>> ax = spend_chart(mg.phase(case, mg.solve(case).package))
    >>> value_panel = ax.figure.axes[1]
    >>> len(ax.containers[0]), value_panel.get_legend().get_title().get_text()
    (10, 'party')
    """
    lower = None
    if ax is None:
        if value:
            _, (ax, lower) = pyplot().subplots(2, 1, figsize=(9.0, 6.5), sharex=True,
                                                layout="constrained",
                                                gridspec_kw={"height_ratios": [1, 1.2]})
        else:
            ax = axes_or_new(None, (9.0, 3.8))
    if lower is not None:  # check the parties before drawing anything
        value_chart(result, ax=lower, parties=parties, weighted=weighted)
    spend = result.spend
    periods = spend["period"].to_numpy()
    edges = np.arange(len(periods) + 1) + 0.5
    ax.bar(periods, spend["spend"], width=0.7, color="lightgray", edgecolor="gray",
           label="spend")
    ax.stairs(spend["budget"], edges, baseline=None, color="black", linewidth=1.5,
              label="budget")
    if result.carry_over > 0:
        ax.stairs(spend["available"], edges, baseline=None, color="black", linestyle=":",
                  linewidth=1.2, label="available\n(with carry-over)")
    top = float(max(spend["available"].max(), spend["spend"].max(), 1e-9))
    ax.set_ylim(0, 1.08 * top)
    ax.set_ylabel("money")
    ax.set_xticks(periods)
    if lower is None:
        ax.set_xlabel("period")
    handles, labels = ax.get_legend_handles_labels()
    first = labels.index("spend")
    legend_outside(ax, [handles[first], *handles[:first], *handles[first + 1:]])
    wrap_title(ax, f"{_name(result)}: spend and budget per period"
               + (", and the value realised" if lower is not None else ""))
    return ax


@validated(result=Instance(PhaseResult), ax=AX, parties=Maybe(Names()), weighted=Flag())
def value_chart(result: PhaseResult, *, ax: Axes | None = None,
                parties: Sequence[str] | None = None, weighted: bool = False) -> Axes:
    """Each party's cumulative value realised, period by period.

    A project's value counts in the period it is completed; options without
    phasing data count in period 1. Values can fall when a completed project
    costs a party points.

    Parameters
    ----------
    result : PhaseResult
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    parties : list of str, optional
        The parties to draw (default: all).
    weighted : bool, default False
        Also draw the weighted total (dashed, black).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    UsageError
        A party that is not in the plan.

    Examples
    --------
    >>> import mutualgains as mg
    >>> case = mg.load_example("regional")
    >>> ax = value_chart(mg.phase(case, mg.solve(case).package), parties=["Farmers"],
    ...                  weighted=True)
    >>> [line.get_label() for line in ax.get_lines()]
    ['Farmers', 'weighted total']
    """
    chosen = list(result.parties) if parties is None else list(parties)
    unknown = [p for p in chosen if p not in result.parties]
    if unknown:
        from mutualgains.errors import UsageError

        raise UsageError(f"parties: unknown party {unknown[0]!r} "
                         f"(parties: {', '.join(result.parties)})")
    ax = axes_or_new(ax, (9.0, 4.0))
    cumulative = result.cumulative
    periods = cumulative["period"].to_numpy()
    for party in chosen:
        ax.plot(periods, cumulative[party], marker="o", markersize=3, label=party)
    if weighted:
        ax.plot(periods, cumulative["weighted"], color="black", linestyle="--",
                label="weighted total")
    if len(chosen) and float(cumulative[chosen].to_numpy().min()) < 0:
        ax.axhline(0, color="0.5", linewidth=0.6)  # where a party drops below nothing
    ax.set_xticks(periods)
    ax.set_xlabel("period")
    ax.set_ylabel("cumulative value")
    ax.grid(axis="y", alpha=0.3)
    if not ax.get_title():
        ax.set_title("value realised by the end of each period", fontsize=10)
    legend_outside(ax, title="party")
    return ax
