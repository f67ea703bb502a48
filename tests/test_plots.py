"""The plots draw what they should, on the cases that broke them (issue 17).

The backend is chosen from outside (``MPLBACKEND=Agg`` in conftest.py). Each test
checks what is drawn (points, bars, boxes, arrows, labels, where the legend and
the caption stand) against an independent count, and renders the figure to PNG.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")

from mutualgains import (  # noqa: E402
    Case,
    Excludes,
    Issue,
    Party,
    Precedes,
    Requires,
    Synergy,
    UsageError,
)
from mutualgains.analysis.frontier import pareto_frontier  # noqa: E402
from mutualgains.analysis.solve import solve  # noqa: E402
from mutualgains.io.examples import load_example  # noqa: E402
from mutualgains.phasing import phase  # noqa: E402
from mutualgains.plots import (  # noqa: E402
    dependency_chart,
    gains_chart,
    gantt_chart,
    spend_chart,
    utility_space,
    value_chart,
)
from mutualgains.plots.axes import mark_points  # noqa: E402
from mutualgains.plots.space import DENSE  # noqa: E402
from mutualgains.testing import BruteForce  # noqa: E402

GENIUS = Path(__file__).resolve().parents[2] / "shared" / "cases" / "genius"


def render(ax, path: Path) -> None:
    """Draw the figure (so that extents are final) and save it as a PNG."""
    ax.figure.savefig(path, dpi=60)
    assert path.stat().st_size > 2000


def extent(artist):
    return artist.get_window_extent(artist.figure.canvas.get_renderer())


def beside(legend, ax) -> bool:
    """The legend stands outside the data area (right of it or under it)."""
    box, data = extent(legend), ax.get_window_extent()
    return box.x0 >= data.x1 - 1 or box.y1 <= data.y0 + 1


def solution_markers(ax):
    names = ("joint", "nash", "ks", "egalitarian", "leximin")
    return {c.get_label(): c for c in ax.collections if c.get_label() in names}


# ------------------------------------------------------------------ utility space


def test_utility_space_draws_each_distinct_point_the_frontier_and_solutions(tmp_path):
    case = load_example("harbour")
    ax = utility_space(case, ["Port", "City"])
    render(ax, tmp_path / "space.png")
    oracle = BruteForce(case)
    pairs = oracle.utilities[:, :2]
    grey, blue = ax.collections[:2]
    assert len(grey.get_offsets()) == len(np.unique(pairs[~oracle.passes], axis=0))
    assert len(blue.get_offsets()) == len(np.unique(pairs[oracle.passes], axis=0))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == f"does not pass ({(~oracle.passes).sum()} packages)"
    assert labels[1] == f"passes ({oracle.passes.sum()} packages)"
    (line,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("frontier")]
    assert len(line.get_xdata()) == len(pareto_frontier(case, ["Port", "City"]))
    assert line.get_drawstyle() == "steps-pre"  # the attainable staircase
    assert set(solution_markers(ax)) == {"joint", "nash", "ks", "egalitarian"}
    assert beside(ax.get_legend(), ax)


def test_coinciding_solutions_are_all_visible_and_named(tmp_path):
    case = load_example("regional")  # all four solutions choose one package
    ax = utility_space(case, ["Municipality", "Water Board"])
    render(ax, tmp_path / "regional.png")
    spot = solve(case).scores
    markers = solution_markers(ax)
    assert len(markers) == 4
    centres = set()
    for marker in markers.values():
        (x, y), = marker.get_offsets()
        assert (x, y) == (spot["Municipality"], spot["Water Board"])  # where it really is
        shown = marker.get_offset_transform().transform((x, y))
        centres.add(tuple(np.round(shown, 1)))
    assert len(centres) == 4  # drawn around the spot, none hidden behind another
    (note,) = [t for t in ax.texts if " = " in t.get_text()]
    assert note.get_text().startswith("joint = nash = ks = egalitarian at (")
    assert beside(ax.get_legend(), ax)


def test_mark_points_groups_only_what_coincides():
    from mutualgains.plots.axes import axes_or_new

    ax = axes_or_new(None, (4, 3))
    groups = mark_points(ax, {"a": (1.0, 1.0), "b": (1.0, 1.0 + 1e-9), "c": (1.0, 1.1)})
    assert groups == [("a", "b"), ("c",)]
    assert [t.get_text() for t in ax.texts] == ["a = b at (1, 1)"]


def test_axes_fit_the_data_not_a_far_threshold(tmp_path):
    # thresholds 0, utilities between 50 and 100: the axes start near 50, and the
    # legend says where the thresholds are
    case = Case([Party("A", batna=0), Party("B", batna=0)],
                [Issue("i", ["x", "y", "z"]), Issue("j", ["u", "v"])],
                {"A": {"i": [50, 60, 70], "j": [0, 30]}, "B": {"i": [70, 60, 50], "j": [30, 0]}})
    ax = utility_space(case, max_packages=0)
    render(ax, tmp_path / "far.png")
    assert ax.get_xlim()[0] > 40 and ax.get_ylim()[0] > 40
    threshold = [t.get_text() for t in ax.get_legend().get_texts() if "thresholds" in t.get_text()]
    assert "A ≥ 0 (off the chart)" in threshold[0].replace("\n", " ")
    assert "only the frontier and the solutions" in ax.texts[-1].get_text().replace("\n", " ")


def test_a_threshold_near_the_data_is_in_view():
    ax = utility_space(load_example("harbour"), ["Port", "City"], max_packages=0)
    low, high = ax.get_xlim()
    assert low <= 55 <= high  # Port's BATNA sits just left of the frontier


def test_many_distinct_points_become_a_density(tmp_path):
    rng = np.random.default_rng(5)
    issues = [Issue(f"i{k}", [f"o{j}" for j in range(15)]) for k in range(4)]
    scores = {p: {i.name: rng.uniform(0, 10, 15).round(6).tolist() for i in issues}
              for p in ("A", "B")}
    case = Case([Party("A", batna=20), Party("B", batna=20)], issues, scores)
    assert case.n_packages > DENSE
    ax = utility_space(case, solutions=("joint",))
    render(ax, tmp_path / "dense.png")
    from matplotlib.collections import PolyCollection

    assert any(isinstance(c, PolyCollection) for c in ax.collections)  # hexagonal bins


@pytest.mark.skipif(not GENIUS.is_dir(), reason="../shared/cases is absent")
def test_anac_10_issues_fills_the_plot(tmp_path):
    from mutualgains.io.genius import read_genius

    ten = read_genius(GENIUS / "ANAC2014-10issues")
    ax = utility_space(ten, max_packages=0)
    render(ax, tmp_path / "ten.png")
    frontier = pareto_frontier(ten).utilities()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    # the data fill the ranges (with margins), the thresholds at 0 are off the chart
    assert x1 - x0 < 1.2 * np.ptp(frontier[:, 0]) and x0 > 0.5
    assert y1 - y0 < 1.2 * np.ptp(frontier[:, 1]) and y0 > 0.5


def test_utility_space_needs_two_parties():
    with pytest.raises(UsageError, match=r"^utility_space: parties must be None or a list of "
                                         r"names \(at least 2\)"):
        utility_space(load_example("harbour"), ["Port"])
    with pytest.raises(UsageError, match="need two different parties"):
        utility_space(load_example("harbour"), ["Port", "Port"])


# ------------------------------------------------------------------ gains


def test_gains_chart_has_a_bar_per_party_and_distinct_package(tmp_path):
    case = load_example("harbour")
    ax = gains_chart(case, solutions=("joint", "nash"))
    render(ax, tmp_path / "gains.png")
    assert len(ax.patches) == 2 * 5
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["joint", "nash"]
    heights = [p.get_height() for p in ax.patches[:5]]
    assert heights == pytest.approx(list(solve(case).gains.values()))
    assert beside(ax.get_legend(), ax)


def test_zero_gains_are_visible():
    ax = gains_chart(load_example("harbour"), solutions=("joint",))
    # the joint package leaves Neighbour Towns at its BATNA: a tick and a 0 for it
    assert solve(load_example("harbour")).gains["Neighbour Towns"] == 0
    zeros = [t for t in ax.texts if t.get_text() == "0"]
    assert len(zeros) == 1
    assert zeros[0].xy[0] == pytest.approx(4.0)  # the fifth party
    ticks = [c for c in ax.collections if len(c.get_offsets())]
    assert len(ticks) == 1 and tuple(ticks[0].get_offsets()[0]) == (4.0, 0.0)


def test_solutions_with_the_same_package_share_a_bar():
    case = load_example("harbour")
    packages = {name: tuple(solve(case, name).package.items())
                for name in ("joint", "nash", "ks", "egalitarian", "leximin")}
    distinct = len(set(packages.values()))
    ax = gains_chart(case, solutions=tuple(packages))
    assert len(ax.patches) == 5 * distinct
    assert len(ax.get_legend().get_texts()) == distinct


def test_one_package_for_every_solution_is_said_not_drawn_four_times(tmp_path):
    ax = gains_chart(load_example("regional"))
    render(ax, tmp_path / "same.png")
    assert ax.get_legend() is None
    title = ax.get_title().replace("\n", " ")
    assert "joint, nash, ks and egalitarian all choose the same package" in title
    assert len(ax.patches) == 6  # one bar per party
    assert [t.get_text() for t in ax.texts] == ["14", "20", "11", "15", "22", "18"]


# ------------------------------------------------------------------ dependencies


def boxes(ax):
    from matplotlib.patches import FancyBboxPatch

    return [p for p in ax.patches if isinstance(p, FancyBboxPatch)]


def arrows(ax):
    from matplotlib.patches import FancyArrowPatch

    return [p for p in ax.patches if isinstance(p, FancyArrowPatch)]


def test_dependency_chart_styles_each_kind(tmp_path):
    case = Case([Party("A")], [Issue(n, ["out", "in"]) for n in ("t", "p", "r", "f")], {},
                requires=[Requires({"t": "in"}, {"p": "in"})],
                excludes=[Excludes({"t": "in"}, {"f": "in"})],
                synergy=[Synergy({"t": "in", "r": "in"}, {"A": 2})],
                precedes=[Precedes({"p": "in"}, {"r": "in"})])
    ax = dependency_chart(case)
    render(ax, tmp_path / "deps.png")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["requires", "precedes", "excludes", "synergy"]
    assert len(arrows(ax)) == 4  # one edge per relation
    assert len(boxes(ax)) == 4  # t, p, r, f: each "in" takes part in a relation
    styles = {a.get_linestyle() for a in arrows(ax)}
    assert len(styles) == 3  # solid, dashed, dotted


def test_requires_and_precedes_point_right():
    from mutualgains.plots.dependencies import layered_layout

    case = Case([Party("A")], [Issue(n, ["out", "in"]) for n in "abcd"], {},
                requires=[Requires({"b": "in"}, {"a": "in"})],
                precedes=[Precedes({"b": "in"}, {"c": "in"}), Precedes({"c": "in"}, {"d": "in"})])
    pos = layered_layout(case.dependency_graph())
    columns = [pos[(n, "in")][0] for n in "abcd"]
    assert columns == [0, 1, 2, 3]  # needed before needing, before before after


def test_regional_dependency_chart_stays_readable(tmp_path):
    case = load_example("regional")
    assert len(case.issues) >= 16
    ax = dependency_chart(case)
    render(ax, tmp_path / "regional-deps.png")
    graph = case.dependency_graph()
    involved = [n for n in graph.nodes if graph.degree(n) > 0]
    assert len(boxes(ax)) == len(involved)  # only what the relations involve
    assert len(arrows(ax)) == len(case.precedes)
    width, height = ax.figure.get_size_inches()
    assert height / width > 0.4  # not a strip
    # no label runs into another, and every label stays inside its box
    renderer = ax.figure.canvas.get_renderer()
    texts = ax.texts[:len(involved)]
    shown = [t.get_window_extent(renderer) for t in texts]
    for k, a in enumerate(shown):
        assert not any(a.overlaps(b) for b in shown[k + 1:])
    for text, box in zip(texts, boxes(ax), strict=True):
        outline = box.get_window_extent(renderer)
        label = text.get_window_extent(renderer)
        assert outline.x0 <= label.x0 and label.x1 <= outline.x1
    note = ax.texts[-1].get_text().replace("\n", " ")
    alone = [i.name for i in case.issues if not any((i.name, o) in involved for o in i.options)]
    assert note.endswith(f"Issues without relations, not drawn: {', '.join(alone)}.")


def test_a_case_without_relations_says_so(tmp_path):
    ax = dependency_chart(load_example("harbour"))
    render(ax, tmp_path / "none.png")
    assert not ax.patches
    assert ax.texts[0].get_text().startswith("No relations between options")


# ------------------------------------------------------------------ phasing


@pytest.fixture(scope="module")
def plan():
    case = load_example("regional")
    return phase(case, solve(case).package, earliest=True)


def test_gantt_chart_explains_its_numbers_and_line(plan, tmp_path):
    ax = gantt_chart(plan)
    render(ax, tmp_path / "gantt.png")
    note = ax.texts[-1].get_text().replace("\n", " ")
    assert "the number at a bar's end: the project's weighted value" in note
    assert f"Dashed line: the end of the horizon ({plan.periods} periods)" in note
    values = [t.get_text() for t in ax.texts[:-1]]
    assert values == [f"{v:g}" for v in plan.schedule["value"]]


def test_gantt_chart_names_deferred_projects():
    case = load_example("regional")
    short = phase(case, solve(case).package, periods=4)
    ax = gantt_chart(short)
    note = ax.texts[-1].get_text().replace("\n", " ")
    for name in short.deferred["project"]:
        assert name in note


def test_spend_chart_has_one_money_axis_and_the_value_below(plan, tmp_path):
    ax = spend_chart(plan, weighted=True)
    render(ax, tmp_path / "spend.png")
    top, below = ax.figure.axes
    assert top is ax and len(ax.figure.axes) == 2  # no twin axes
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["spend", "budget"]
    assert [ln.get_label() for ln in below.get_lines()] == [*plan.parties, "weighted total"]
    for panel in (top, below):
        assert beside(panel.get_legend(), panel)
    assert top.get_position().x0 == pytest.approx(below.get_position().x0)


def test_value_chart_alone_and_bad_parties(plan):
    ax = value_chart(plan, parties=["Farmers"])
    assert list(ax.get_lines()[0].get_ydata()) == pytest.approx(list(plan.cumulative["Farmers"]))
    with pytest.raises(UsageError, match="parties: unknown party"):
        value_chart(plan, parties=["Mayor"])


# ------------------------------------------------------------------ interactive


def test_interactive_utility_space_hovers_package_and_gains():
    pytest.importorskip("plotly")
    from mutualgains.plots import utility_space_figure

    case = load_example("harbour")
    fig = utility_space_figure(case, ["Port", "City"])
    names = [t.name for t in fig.data]
    assert names[:3] == ["does not pass (317 packages)", "passes (115 packages)",
                         "frontier (6 points)"]
    joint = next(t for t in fig.data if t.name == "joint")
    best = solve(case)
    text = joint.hovertext[0]
    assert all(f"{i} = {o}" in text for i, o in best.package.items())
    assert "Neighbour Towns: 25 (gain +0)" in text
    oracle = BruteForce(case)
    passing = fig.data[1]
    assert len(passing.x) == len(np.unique(oracle.utilities[oracle.passes][:, :2], axis=0))
    for x, y, label in zip(passing.x, passing.y, passing.hovertext, strict=True):
        assert f"Port: {x:g} (gain" in label and f"City: {y:g} (gain" in label


def test_interactive_labels_escape_names():
    pytest.importorskip("plotly")
    from mutualgains.plots import frontier_figure

    case = Case([Party("<b>A</b>"), Party("B")], [Issue("i&j", ["<x>", "y"])],
                {"<b>A</b>": {"i&j": [1, 0]}, "B": {"i&j": [0, 1]}})
    fig = frontier_figure(pareto_frontier(case))
    text = " ".join(fig.data[0].hovertext)
    assert "&lt;b&gt;A&lt;/b&gt;" in text and "i&amp;j = &lt;x&gt;" in text
    assert "<b>A</b>" not in text.replace("<b>frontier", "")
    with pytest.raises(UsageError, match="two different parties of the frontier"):
        frontier_figure(pareto_frontier(case), ["B", "C"])


def test_interactive_without_plotly_names_the_extra(monkeypatch):
    import sys

    from mutualgains.plots import frontier_figure

    monkeypatch.setitem(sys.modules, "plotly", None)
    monkeypatch.setitem(sys.modules, "plotly.graph_objects", None)
    with pytest.raises(ImportError, match=r'mutualgains\[interactive\]'):
        frontier_figure(pareto_frontier(load_example("harbour"), ["Port", "City"]))


# ------------------------------------------------------------------ tables


def test_every_result_has_a_notebook_table():
    import mutualgains as mg

    case = load_example("harbour")
    package = mg.solve(case).package
    objects = [case, mg.solve(case), mg.pareto_frontier(case, ["Port", "City"]),
               mg.alternatives(case, 2), mg.improve(case, package),
               mg.amend(case, package, "Port"), mg.explain(case), mg.compensate(case, package),
               mg.agenda_value(case, "loan"),
               mg.phase(load_example("regional"), mg.solve(load_example("regional")).package)]
    for obj in objects:
        html = obj._repr_html_()
        assert "<table" in html, type(obj).__name__
        assert repr(obj)
