"""The analysis plots render on Agg and draw what they should."""

from __future__ import annotations

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from mutualgains import Case, Excludes, Issue, Party, Precedes, Requires, Synergy  # noqa: E402
from mutualgains.analysis.frontier import pareto_frontier  # noqa: E402
from mutualgains.io.examples import load_example  # noqa: E402
from mutualgains.plots import dependency_chart, gains_chart, utility_space  # noqa: E402
from mutualgains.testing import BruteForce  # noqa: E402


def test_utility_space_draws_every_package_and_the_frontier(tmp_path):
    case = load_example("harbour")
    ax = utility_space(case, ["Port", "City"])
    ax.figure.savefig(tmp_path / "space.png")
    oracle = BruteForce(case)
    grey, blue, *marks = ax.collections
    assert len(grey.get_offsets()) == (~oracle.passes).sum()
    assert len(blue.get_offsets()) == oracle.passes.sum()
    assert len(marks) == 4  # joint, nash, ks, egalitarian
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "frontier"]
    assert len(line.get_xdata()) == len(pareto_frontier(case, ["Port", "City"]))
    assert (tmp_path / "space.png").stat().st_size > 0


def test_utility_space_needs_two_parties():
    from mutualgains import UsageError

    with pytest.raises(UsageError, match=r"^utility_space: parties must be None or a list of "
                                         r"names \(at least 2\)"):
        utility_space(load_example("harbour"), ["Port"])


def test_gains_chart_has_a_bar_per_party_and_solution(tmp_path):
    ax = gains_chart(load_example("harbour"), solutions=("joint", "nash"))
    ax.figure.savefig(tmp_path / "gains.png")
    assert len(ax.patches) == 2 * 5
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["joint", "nash"]


def test_dependency_chart_styles_each_kind(tmp_path):
    case = Case([Party("A")], [Issue(n, ["out", "in"]) for n in ("t", "p", "r", "f")], {},
                requires=[Requires({"t": "in"}, {"p": "in"})],
                excludes=[Excludes({"t": "in"}, {"f": "in"})],
                synergy=[Synergy({"t": "in", "r": "in"}, {"A": 2})],
                precedes=[Precedes({"p": "in"}, {"r": "in"})])
    ax = dependency_chart(case)
    ax.figure.savefig(tmp_path / "deps.png")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["requires", "excludes", "synergy", "precedes"]
    assert len(ax.patches) == 4  # one arc per relation
    assert {t.get_text() for t in ax.texts} >= {"t", "p", "r", "f", "in", "out"}


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
