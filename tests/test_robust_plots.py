"""The robustness plots render on Agg and draw what they should."""

from __future__ import annotations

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from mutualgains import acceptance, rank_acceptability, solve  # noqa: E402
from mutualgains.io.examples import load_example  # noqa: E402
from mutualgains.model.noise import with_noise  # noqa: E402
from mutualgains.plots import acceptance_chart, rank_chart  # noqa: E402

CASE = with_noise(load_example("harbour"), 0.15, shape="triangular", batnas=True)


def test_acceptance_chart_draws_a_bar_per_party_and_the_rule(tmp_path):
    acc = acceptance(CASE, solve(CASE), samples=2000)
    ax = acceptance_chart(acc)
    ax.figure.savefig(tmp_path / "acceptance.png")
    assert [round(p.get_width(), 6) for p in ax.patches] == [
        round(r.probability, 6) for r in acc.parties]
    (rule,) = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert rule.get_xdata()[0] == acc.rule_probability
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].startswith("the rule passes") and labels[1] == "95% interval"
    assert (tmp_path / "acceptance.png").stat().st_size > 0


def test_rank_chart_stacks_ranks_and_failures(tmp_path):
    ranks = rank_acceptability(CASE, 4, samples=1000)
    ax = rank_chart(ranks)
    ax.figure.savefig(tmp_path / "ranks.png")
    assert len(ax.patches) == 4 * 5  # 4 candidates x (4 ranks + fails)
    for c in range(4):  # each candidate's bars fill [0, 1]
        widths = [p.get_width() for p in ax.patches[c::4]]
        assert sum(widths) == pytest.approx(1.0)
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "fails"
