"""Hypothesis strategies that build valid small cases directly.

A witness package is drawn first and BATNAs are set around its utilities, so
most cases have an agreement and some (negative slack) have none.
"""

from __future__ import annotations

from hypothesis import strategies as st

from mutualgains import Case, DecisionRule, Issue, Party
from mutualgains.model.relations import Excludes, Requires, Synergy


@st.composite
def small_cases(draw, *, max_parties: int = 4, max_issues: int = 5, max_options: int = 4,
                rules: bool = True, weights: bool = True, dependencies: bool = False,
                caps: bool = False, budgets: bool = False) -> Case:
    n_parties = draw(st.integers(2, max_parties))
    n_issues = draw(st.integers(1, max_issues))
    sizes = [draw(st.integers(1, max_options)) for _ in range(n_issues)]
    issues = [Issue(f"i{k}", tuple(f"o{j}" for j in range(s))) for k, s in enumerate(sizes)]
    names = [f"p{k}" for k in range(n_parties)]
    half = draw(st.booleans())  # some cases with half-point scores
    score = st.integers(-4, 12).map(lambda v: v / 2 if half else v)
    scores = {p: {i.name: [draw(score) for _ in i.options] for i in issues} for p in names}
    witness = [draw(st.integers(0, s - 1)) for s in sizes]
    relations = draw(dependency_relations(issues, names, witness)) if dependencies else {}
    cap = {p: (draw(st.sampled_from([None, None, 8, 15])) if caps else None) for p in names}
    plain = Case([Party(p, cap=cap[p]) for p in names], issues, scores, **relations)
    at_witness = plain.utilities([i.options[c] for i, c in zip(issues, witness, strict=True)])
    slack = st.integers(-3, 6).map(lambda v: v / 2 if half else v)
    parties = []
    for p in names:
        weight = draw(st.sampled_from([1, 1, 2, 0.5, 0])) if weights else 1
        parties.append(Party(p, batna=at_witness[p] - draw(slack), weight=weight, cap=cap[p]))
    rule = DecisionRule()
    if rules and draw(st.booleans()):
        k = draw(st.integers(1, n_parties))
        veto = draw(st.lists(st.sampled_from(names), max_size=k, unique=True))
        rule = DecisionRule(min_parties=k, veto=veto)
    margin = draw(st.sampled_from([0, 0, 0, 1]))
    if budgets and draw(st.booleans()):  # option costs and a total budget the witness meets
        costs = {i.name: [draw(st.integers(0, 5)) for _ in i.options] for i in issues}
        spent = sum(costs[i.name][c] for i, c in zip(issues, witness, strict=True))
        relations = {**relations, "costs": costs,
                     "total_budget": spent + draw(st.integers(0, 4))}
    return Case(parties, issues, scores, decision_rule=rule, margin=margin, name="random",
                **relations)


@st.composite
def dependency_relations(draw, issues, parties, witness) -> dict:
    """Random requires, excludes and synergy relations that the witness package respects."""
    chosen = {i.name: i.options[c] for i, c in zip(issues, witness, strict=True)}
    option = st.sampled_from([(i.name, o) for i in issues for o in i.options])
    out: dict[str, list] = {"requires": [], "excludes": [], "synergy": []}
    for _ in range(draw(st.integers(0, 3))):
        a = draw(option)
        other = [i for i in issues if i.name != a[0]]
        if not other:
            break
        target = draw(st.sampled_from(other))
        allowed = draw(st.lists(st.sampled_from(target.options), min_size=1, unique=True))
        if chosen[a[0]] == a[1] and chosen[target.name] not in allowed:
            allowed.append(chosen[target.name])
        out["requires"].append(Requires(a, {target.name: allowed}))
    for _ in range(draw(st.integers(0, 3))):
        a, b = draw(option), draw(option)
        if a[0] != b[0] and not (chosen[a[0]] == a[1] and chosen[b[0]] == b[1]):
            out["excludes"].append(Excludes(a, b))
    for _ in range(draw(st.integers(0, 3))):
        involved = draw(st.lists(st.sampled_from(issues), min_size=1, max_size=3,
                                 unique_by=lambda i: i.name))
        when = {i.name: draw(st.lists(st.sampled_from(i.options), min_size=1, unique=True))
                for i in involved}
        bonus = {p: draw(st.integers(-6, 8)) for p in draw(
            st.lists(st.sampled_from(parties), min_size=1, unique=True))}
        out["synergy"].append(Synergy(when, bonus))
    return out
