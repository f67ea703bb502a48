"""Logrolling: who conceded what in a package, and which trades made it better for both.

A party *concedes* on an issue when, the rest of the package kept, another
option of that issue would give it more. Two parties *trade* when each concedes
on one issue and both are better off than if each had had its own way on the
issue it conceded (the other issues kept). Utilities are evaluated in full, so
synergies and caps count.

Examples
--------
>>> from mutualgains import Case, Issue, Party
>>> case = Case([Party("Port"), Party("City")],
...             [Issue("dredging", ["none", "deep"]), Issue("park", ["none", "large"])],
...             {"Port": {"dredging": [0, 10], "park": [3, 0]},
...              "City": {"dredging": [2, 0], "park": [0, 9]}})
>>> deal = {"dredging": "deep", "park": "large"}
>>> concessions(case, deal)[["issue", "party", "best_option", "gave_up"]]
      issue party best_option  gave_up
0  dredging  Port        deep        0
1  dredging  City        none        2
2      park  Port        none        3
3      park  City       large        0
>>> trades(case, deal)[["party", "conceded", "other", "other_conceded", "gain", "other_gain"]]
  party conceded other other_conceded  gain  other_gain
0  Port     park  City       dredging     7           7
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from mutualgains.model import Case
from mutualgains.model.arguments import CASE, PACKAGE
from mutualgains.params import validated
from mutualgains.tolerance import TOLERANCE
from mutualgains.util import tidy

__all__ = ["concessions", "trades"]

_CONCESSION_COLUMNS = ["issue", "party", "option", "score", "best_option", "best_score",
                       "gave_up", "won"]
_TRADE_COLUMNS = ["party", "conceded", "other", "other_conceded", "gain", "other_gain",
                  "counterfactual_feasible"]




def _alternatives(case: Case, choice: tuple[int, ...]) -> list[np.ndarray]:
    """Per issue: utilities (options x parties) when only that issue changes."""
    out = []
    for k, issue in enumerate(case.issues):
        rows = []
        for c in range(len(issue.options)):
            alt = list(choice)
            alt[k] = c
            rows.append(case.utility_vector(alt))
        out.append(np.array(rows))
    return out


@validated(case=CASE, package=PACKAGE)
def concessions(case: Case, package: Mapping[str, str] | Sequence[str]) -> pd.DataFrame:
    """Per issue and party: the chosen option against the party's own best on that issue.

    Parameters
    ----------
    case : Case
    package : mapping or sequence
        ``issue -> option`` (or option names in issue order).

    Returns
    -------
    DataFrame
        One row per issue and party: ``issue, party, option`` (chosen), ``score``
        (the party's utility for the package), ``best_option`` and ``best_score``
        (its utility had it chosen the option of this issue, the rest kept),
        ``gave_up`` (the difference, >= 0) and ``won`` (utility above the worst
        option of this issue, >= 0).

    Examples
    --------
    >>> from mutualgains import solve
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> table = concessions(case, solve(case).package)
    >>> table.loc[table["gave_up"] > 0, ["issue", "party", "best_option", "gave_up"]].head(3)
                issue                 party best_option  gave_up
    0  infrastructure                  Port       water        8
    2  infrastructure  Environmental League        land       20
    4  infrastructure       Neighbour Towns        land        5
    """
    choice = case.package_indices(package)
    base = case.utility_vector(choice)
    rows = []
    for k, (issue, table) in enumerate(zip(case.issues, _alternatives(case, choice),
                                           strict=True)):
        for p, party in enumerate(case.party_names):
            best = int(np.argmax(table[:, p]))
            if table[choice[k], p] >= table[best, p] - TOLERANCE:
                best = choice[k]  # ties: the chosen option is (one of) the best
            rows.append([issue.name, party, issue.options[choice[k]], tidy(base[p]),
                         issue.options[best], tidy(table[best, p]),
                         tidy(table[best, p] - base[p]), tidy(base[p] - table[:, p].min())])
    return pd.DataFrame(rows, columns=_CONCESSION_COLUMNS)


@validated(case=CASE, package=PACKAGE)
def trades(case: Case, package: Mapping[str, str] | Sequence[str]) -> pd.DataFrame:
    """The mutually beneficial trades in ``package``: one row per pair of concessions.

    For parties ``a`` and ``b`` conceding on issues ``i`` and ``j``, the
    counterfactual sets ``i`` to ``a``'s best option and ``j`` to ``b``'s best
    option (everything else kept). The pair is a trade when both are strictly
    better off in the package than in the counterfactual.

    Returns
    -------
    DataFrame
        ``party, conceded`` (issue), ``other, other_conceded``, ``gain`` and
        ``other_gain`` (each party's utility in the package minus in the
        counterfactual, both > 0), ``counterfactual_feasible`` (whether the
        counterfactual respects the requires/excludes relations), sorted by the
        smaller of the two gains, largest first.

    Examples
    --------
    >>> from mutualgains import solve
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("harbour")
    >>> columns = ["party", "conceded", "other", "other_conceded", "gain", "other_gain"]
    >>> trades(case, solve(case).package)[columns].head(2)
      party      conceded            other other_conceded  gain  other_gain
    0  Port  compensation  Neighbour Towns           loan    29           8
    1  City  compensation  Neighbour Towns           loan    18           8
    """
    choice = case.package_indices(package)
    table = concessions(case, package)
    names = list(case.party_names)
    base = case.utility_vector(choice)
    conceded = table[table["gave_up"] > TOLERANCE]
    rows = []
    given = list(zip(conceded["party"], conceded["issue"], conceded["best_option"],
                     strict=True))  # who conceded which issue, and the option it preferred
    for a_party, a_issue, a_best in given:
        for b_party, b_issue, b_best in given:
            if names.index(a_party) >= names.index(b_party) or a_issue == b_issue:
                continue
            alt = list(choice)
            alt[case.issue_names.index(a_issue)] = case.issue(a_issue).index(a_best)
            alt[case.issue_names.index(b_issue)] = case.issue(b_issue).index(b_best)
            u = case.utility_vector(alt)
            pa, pb = names.index(a_party), names.index(b_party)
            gain_a, gain_b = base[pa] - u[pa], base[pb] - u[pb]
            if gain_a > TOLERANCE and gain_b > TOLERANCE:
                feasible = not case.violations(case.package_from_indices(alt))
                rows.append([a_party, a_issue, b_party, b_issue, tidy(gain_a), tidy(gain_b),
                             feasible])
    out = pd.DataFrame(rows, columns=_TRADE_COLUMNS)
    if len(out):
        smaller = pd.Series(np.minimum(out["gain"], out["other_gain"]), index=out.index)
        order = smaller.sort_values(ascending=False, kind="stable").index
        out = out.loc[order].reset_index(drop=True)
    return out
