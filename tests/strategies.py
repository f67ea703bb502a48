"""Hypothesis strategies that build valid small cases directly.

A witness package is drawn first and BATNAs are set around its utilities, so
most cases have an agreement and some (negative slack) have none.
"""

from __future__ import annotations

from hypothesis import strategies as st

from mutualgains import Case, DecisionRule, Issue, Party


@st.composite
def small_cases(draw, *, max_parties: int = 4, max_issues: int = 5, max_options: int = 4,
                rules: bool = True, weights: bool = True) -> Case:
    n_parties = draw(st.integers(2, max_parties))
    n_issues = draw(st.integers(1, max_issues))
    sizes = [draw(st.integers(1, max_options)) for _ in range(n_issues)]
    issues = [Issue(f"i{k}", tuple(f"o{j}" for j in range(s))) for k, s in enumerate(sizes)]
    names = [f"p{k}" for k in range(n_parties)]
    half = draw(st.booleans())  # some cases with half-point scores
    score = st.integers(-4, 12).map(lambda v: v / 2 if half else v)
    scores = {p: {i.name: [draw(score) for _ in i.options] for i in issues} for p in names}
    witness = [draw(st.integers(0, s - 1)) for s in sizes]
    slack = st.integers(-3, 6).map(lambda v: v / 2 if half else v)
    parties = []
    for p in names:
        utility = sum(scores[p][i.name][c] for i, c in zip(issues, witness, strict=True))
        weight = draw(st.sampled_from([1, 1, 2, 0.5, 0])) if weights else 1
        parties.append(Party(p, batna=utility - draw(slack), weight=weight))
    rule = DecisionRule()
    if rules and draw(st.booleans()):
        k = draw(st.integers(1, n_parties))
        veto = draw(st.lists(st.sampled_from(names), max_size=k, unique=True))
        rule = DecisionRule(min_parties=k, veto=veto)
    margin = draw(st.sampled_from([0, 0, 0, 1]))
    return Case(parties, issues, scores, decision_rule=rule, margin=margin, name="random")
