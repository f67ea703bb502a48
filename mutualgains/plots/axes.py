"""What every plot shares: matplotlib on demand, the Axes to draw on, sizes, labels, legends.

Every plot of :mod:`mutualgains.plots` follows one contract, and the helpers here
keep it in one place:

- matplotlib is imported only when a plot is drawn (:func:`pyplot`), with an
  error naming the extra to install when it is missing;
- the plot takes ``ax=None`` and returns the Axes it drew on; without an Axes it
  makes a figure sized from what it shows (:func:`axes_or_new`, :func:`fit_size`),
  with constrained layout so that legends and captions outside the data fit;
- long titles and labels wrap (:func:`wrap`, :func:`wrap_title`), legends go
  outside the data (:func:`legend_outside`), notes go under the plot
  (:func:`caption`), axis ranges fit the data (:func:`fit_limits`);
- several named points that coincide stay visible and say so
  (:func:`mark_points`).

Examples
--------
>>> ax = axes_or_new(None, (4, 3))
>>> groups = mark_points(ax, {"joint": (1, 2), "nash": (1, 2), "ks": (3, 1)})
>>> groups
[('joint', 'nash'), ('ks',)]
>>> legend_outside(ax).get_texts()[0].get_text()
'joint'
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mutualgains.params import Choice, Constraint, ListOf

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.legend import Legend
    from matplotlib.text import Annotation

__all__ = ["AX", "MARKERS", "SOLUTION_NAMES", "AxesOrNone", "axes_or_new", "caption",
           "fit_limits", "fit_size", "legend_outside", "mark_points", "pyplot", "wrap",
           "wrap_title"]

MARKERS: dict[str, str] = {"joint": "s", "nash": "*", "ks": "D", "egalitarian": "^",
                           "leximin": "v"}
"""The marker of each bargaining solution, the same in every plot."""

_FALLBACK_MARKERS = ("o", "P", "X", "h", "p", "<", ">")
_CHAR_WIDTH = 0.55  # a character's average width, in units of the font size
_LEGEND_WRAP = 34  # characters per line of a legend entry


@dataclass(frozen=True)
class AxesOrNone(Constraint):
    """``ax=``: None or a matplotlib Axes (matplotlib is imported only to check one).

    Examples
    --------
    >>> AX.accepts(None), AX.accepts(axes_or_new(None, (2, 2))), AX.accepts("ax")
    (True, True, False)
    """

    def accepts(self, value: Any) -> bool:
        if value is None:
            return True
        try:
            from matplotlib.axes import Axes
        except ImportError:  # pragma: no cover - depends on the environment
            return False
        return isinstance(value, Axes)

    def describe(self) -> str:
        return "None or a matplotlib Axes"


AX = AxesOrNone()
"""The ``ax=`` argument of every plot."""

SOLUTION_NAMES = ListOf(Choice(("joint", "egalitarian", "ks", "leximin", "nash")))
"""The ``solutions=`` argument: objectives of :func:`mutualgains.solve`."""


def pyplot() -> Any:
    """``matplotlib.pyplot``, imported now; an ImportError naming the extra when missing.

    Examples
    --------
    >>> pyplot().__name__
    'matplotlib.pyplot'
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError('plots need matplotlib: pip install "mutualgains[plot]"') from err
    return plt


def axes_or_new(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax`` itself, or the Axes of a new figure of ``size`` inches (constrained layout).

    Constrained layout keeps what is drawn outside the data (a legend beside it,
    a caption under it) inside the figure.

    Examples
    --------
    >>> ax = axes_or_new(None, (5, 2))
    >>> ax.figure.get_size_inches().tolist()
    [5.0, 2.0]
    >>> axes_or_new(ax, (9, 9)) is ax
    True
    """
    if ax is not None:
        return ax
    _, ax = pyplot().subplots(figsize=size, layout="constrained")
    return ax


def fit_size(count: int, *, each: float, base: float = 1.0, low: float = 3.0,
             high: float = 30.0) -> float:
    """A length in inches for ``count`` items of ``each`` inches plus ``base``, within bounds.

    Examples
    --------
    >>> fit_size(16, each=0.35, base=1.2)
    6.8
    >>> fit_size(1, each=0.35), fit_size(1000, each=1.0)
    (3.0, 30.0)
    """
    return float(min(high, max(low, round(base + each * count, 2))))


def wrap(text: str, width: int = 18) -> str:
    """``text`` broken at spaces into lines of ``width`` characters (long words stay whole).

    Examples
    --------
    >>> print(wrap("sewage treatment upgrade: in", 18))
    sewage treatment
    upgrade: in
    """
    return "\n".join(textwrap.wrap(text, width, break_long_words=False,
                                   break_on_hyphens=False)) or text


def _text_inches(texts: Iterable[str], fontsize: float) -> float:
    """The width of the longest line of ``texts`` in inches (estimated from its length)."""
    longest = max((len(line) for t in texts for line in t.split("\n")), default=0)
    return longest * fontsize * _CHAR_WIDTH / 72


def _free_width(ax: Axes) -> float:
    """Inches that the Axes will span once laid out (without its tick labels and legend).

    Estimated before drawing, so that titles and captions wrapped to it never make
    constrained layout squeeze the Axes: the figure's width less the y tick
    labels and label on the left and a legend outside on the right.
    """
    figure: Any = ax.figure
    figure_width = float(figure.get_size_inches()[0])
    if len(figure.axes) > 1 or figure.get_layout_engine() is None:
        return figure_width * ax.get_position().width
    ticks = [t.get_text() for t in ax.get_yticklabels()] or ["0000"]
    left = max(_text_inches(ticks, 10), _text_inches(["0000"], 10)) + 0.45
    right = 0.25
    legend = ax.get_legend()
    if legend is not None and legend.get_bbox_to_anchor().x0 >= ax.bbox.x1:
        texts = legend.get_texts()
        size = float(texts[0].get_fontsize()) if texts else 8.0
        right += _text_inches([t.get_text() for t in texts], size) + 0.5
    return max(1.5, figure_width - left - right)


def _chars_across(ax: Axes, fontsize: float) -> int:
    """How many characters of ``fontsize`` points fit across the Axes."""
    return max(24, int(_free_width(ax) * 72 / (fontsize * _CHAR_WIDTH)))


def wrap_title(ax: Axes, text: str, *, fontsize: float = 11) -> None:
    """Set the Axes title, wrapped to the Axes' width.

    Examples
    --------
    >>> ax = axes_or_new(None, (3, 2))
    >>> wrap_title(ax, "Regional water and land deal: dependencies between options")
    >>> ax.get_title().count("\\n") >= 1
    True
    """
    ax.set_title(wrap(text, _chars_across(ax, fontsize)), fontsize=fontsize)


def caption(ax: Axes, text: str, *, fontsize: float = 8) -> Annotation:
    """A note under the Axes (below the x label and tick labels), wrapped to its width.

    For what a reader needs to read the plot: what the numbers and lines mean,
    what is left out.

    Examples
    --------
    >>> ax = axes_or_new(None, (4, 3))
    >>> ax.set_xlabel("period")
    Text(...)
    >>> caption(ax, "dashed line: the end of the horizon").get_text()
    'dashed line: the end of the horizon'
    """
    return ax.annotate(wrap(text, _chars_across(ax, fontsize)), xy=(0.0, 0.0),
                       xycoords=("axes fraction", ax.xaxis.label), xytext=(0, -6),
                       textcoords="offset points",
                       ha="left", va="top", fontsize=fontsize, color="0.25",
                       annotation_clip=False)


def legend_outside(ax: Axes, handles: Sequence[Any] | None = None,
                   labels: Sequence[str] | None = None, *, side: str = "right",
                   title: str | None = None, fontsize: float = 8) -> Legend:
    """A legend beside the data (``side="right"``) or under it (``"bottom"``), never over it.

    Entries wrap after about 34 characters; markers in the legend share one size.

    Examples
    --------
    >>> ax = axes_or_new(None, (4, 3))
    >>> _ = ax.plot([0, 1], [0, 1], label="frontier")
    >>> legend_outside(ax, side="bottom").get_texts()[0].get_text()
    'frontier'
    """
    if handles is None:
        handles, found = ax.get_legend_handles_labels()
        labels = found if labels is None else labels
    if side == "right":
        place = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "ncol": 1}
    elif side == "bottom":
        place = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.12),
                 "ncol": max(1, min(4, len(handles)))}
    else:
        from mutualgains.errors import UsageError

        raise UsageError(f"side: must be 'right' or 'bottom', got {side!r}")
    kwargs: dict[str, Any] = {"fontsize": fontsize, "frameon": False, "borderaxespad": 0.0,
                              "title": title, **place}
    names = [str(h.get_label()) for h in handles] if labels is None else list(labels)
    legend = ax.legend(handles, [wrap(t, _LEGEND_WRAP) for t in names], **kwargs)
    for handle in legend.legend_handles:  # one marker size in the legend, whatever the plot's
        resize = getattr(handle, "set_sizes", None)
        if resize is not None:
            resize([40.0])
    return legend


def fit_limits(ax: Axes, x: Iterable[float], y: Iterable[float], *,
               margin: float = 0.05) -> None:
    """Axis ranges that hold the points ``(x, y)`` with a ``margin`` share on each side.

    Lines drawn across the Axes (thresholds) do not widen the ranges: a plot
    whose data sits in ``[0.6, 1]`` is not stretched down to a threshold at 0.

    Examples
    --------
    >>> ax = axes_or_new(None, (4, 3))
    >>> fit_limits(ax, [0.6, 1.0], [0.5, 1.0], margin=0.0)
    >>> [float(v) for v in (*ax.get_xlim(), *ax.get_ylim())]
    [0.6, 1.0, 0.5, 1.0]
    """
    for values, setter in ((list(x), ax.set_xlim), (list(y), ax.set_ylim)):
        finite = [float(v) for v in values if math.isfinite(float(v))]
        if not finite:
            continue
        low, high = min(finite), max(finite)
        pad = (high - low) * margin if high > low else max(abs(high) * 0.05, 0.5)
        setter(low - pad, high + pad)


def _coinciding(points: Mapping[str, tuple[float, float]],
                tolerance: float) -> list[tuple[str, ...]]:
    """Names grouped by point, first appearance first; points within ``tolerance`` coincide."""
    groups: list[list[str]] = []
    for name, (x, y) in points.items():
        for group in groups:
            gx, gy = points[group[0]]
            if abs(gx - x) <= tolerance * max(1.0, abs(gx)) and \
                    abs(gy - y) <= tolerance * max(1.0, abs(gy)):
                group.append(name)
                break
        else:
            groups.append([name])
    return [tuple(g) for g in groups]


def _away_from_edges(ax: Axes, x: float, y: float) -> tuple[bool, bool]:
    """Whether ``(x, y)`` lies in the right half and in the top half of the current ranges."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return (x - x0) > (x1 - x0) / 2, (y - y0) > (y1 - y0) / 2


def mark_points(ax: Axes, points: Mapping[str, tuple[float, float]], *,
                markers: Mapping[str, str] | None = None, size: float = 260,
                tolerance: float = 1e-6, annotate: bool = True) -> list[tuple[str, ...]]:
    """Draw named points (bargaining solutions) so that coinciding ones all stay visible.

    Each name gets its marker (:data:`MARKERS` by default) and a legend entry.
    Where several points coincide, their markers stand in a small ring around
    the spot (a black dot marks it) and the spot is annotated with every name
    at it, so no marker
    hides another; the annotation points away from the nearest edges of the
    current axis ranges (set them first, e.g. with :func:`fit_limits`).
    Returns the names grouped by point.

    Parameters
    ----------
    ax : matplotlib Axes
    points : mapping
        Name -> ``(x, y)``, in the order of the legend.
    markers : mapping, optional
        Name -> a matplotlib marker (default :data:`MARKERS`, then circles,
        pluses, crosses...).
    size : float, default 260
        Marker area (points squared) of the largest marker at a spot.
    tolerance : float, default 1e-6
        Relative distance within which two points coincide.
    annotate : bool, default True
        Label every spot where two or more points coincide.

    Examples
    --------
    >>> ax = axes_or_new(None, (4, 3))
    >>> mark_points(ax, {"joint": (69, 80), "nash": (69, 80), "ks": (69, 80)})
    [('joint', 'nash', 'ks')]
    >>> [t.get_text() for t in ax.texts]
    ['joint = nash = ks at (69, 80)']
    >>> len(ax.collections)  # a marker each and the dot at the spot
    4
    """
    from matplotlib.transforms import ScaledTranslation

    chosen = dict(MARKERS if markers is None else markers)
    spare = iter(_FALLBACK_MARKERS * (1 + len(points)))
    colours = pyplot().rcParams["axes.prop_cycle"].by_key()["color"]
    groups = _coinciding(points, tolerance)
    order = {name: k for k, name in enumerate(points)}
    for group in groups:
        radius = 0.0 if len(group) == 1 else math.sqrt(size) * 0.75 / 72  # inches
        for k, name in enumerate(group):
            x, y = points[name]
            angle = math.pi / 2 + 2 * math.pi * k / len(group)
            shift = ScaledTranslation(radius * math.cos(angle), radius * math.sin(angle),
                                      ax.figure.dpi_scale_trans)
            ax.scatter([x], [y], marker=chosen.get(name) or next(spare),
                       s=size if len(group) == 1 else size * 0.7,
                       color=colours[order[name] % len(colours)], edgecolor="black",
                       linewidth=0.8, zorder=5, label=name, transform=ax.transData + shift)
        if len(group) > 1:  # the spot itself, in the middle of the ring
            x, y = points[group[0]]
            ax.scatter([x], [y], marker="o", s=10, color="black", zorder=6,
                       label="_nolegend_")
        if annotate and len(group) > 1:
            x, y = points[group[0]]
            right, top = _away_from_edges(ax, x, y)
            away = radius * 72 + 16  # points: clear of the ring
            ax.annotate(f"{' = '.join(group)} at ({x:.4g}, {y:.4g})", (x, y),
                        xytext=(-away if right else away, -away if top else away),
                        textcoords="offset points", fontsize=8, zorder=10,
                        ha="right" if right else "left", va="top" if top else "bottom",
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "0.6",
                              "alpha": 0.9},
                        arrowprops={"arrowstyle": "-", "color": "0.4", "linewidth": 0.8})
    return groups
