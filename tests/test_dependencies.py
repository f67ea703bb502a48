"""Dependencies: the graph, contradiction explanations, files, compilation, logrolling."""

from __future__ import annotations

import warnings

import networkx as nx
import pytest

from mutualgains import Case, CaseError, Issue, Party, load_case, save_case, solve
from mutualgains.analysis.logrolling import concessions, trades
from mutualgains.model.relations import (
    DependencyWarning,
    Excludes,
    Precedes,
    Requires,
    Synergy,
)
from mutualgains.testing import BruteForce

PROJECTS = [Issue(name, ["out", "in"]) for name in ("tunnel", "permit", "road", "ferry")]


def case_with(**relations) -> Case:
    scores = {"Port": {"tunnel": [0, 10], "ferry": [0, 3]}, "City": {"permit": [0, 2],
                                                                     "road": [0, 4]}}
    return Case([Party("Port"), Party("City")], PROJECTS, scores, **relations)


def test_graph_has_typed_edges():
    case = case_with(requires=[Requires({"tunnel": "in"}, {"permit": "in"})],
                     excludes=[Excludes({"tunnel": "in"}, {"ferry": "in"})],
                     synergy=[Synergy({"tunnel": "in", "road": "in"}, {"City": 3})],
                     precedes=[Precedes({"permit": "in"}, {"tunnel": "in"})])
    g = case.dependency_graph()
    assert isinstance(g, nx.DiGraph)
    assert g.number_of_nodes() == 8
    assert g.has_edge(("tunnel", "in"), ("permit", "in"), key="requires")
    assert g.has_edge(("ferry", "in"), ("tunnel", "in"), key="excludes")
    assert g.has_edge(("road", "in"), ("tunnel", "in"), key="synergy")
    assert g.edges[("road", "in"), ("tunnel", "in"), "synergy"]["bonus"] == {"City": 3}
    assert g.has_edge(("permit", "in"), ("tunnel", "in"), key="precedes")
    assert g.nodes[("tunnel", "in")] == {"issue": "tunnel", "option": "in"}


def test_option_that_requires_and_excludes_the_same_thing():
    with pytest.warns(DependencyWarning, match="tunnel=in requires permit=in, but tunnel=in "
                                               "excludes permit=in"):
        case = case_with(requires=[Requires({"tunnel": "in"}, {"permit": "in"})],
                         excludes=[Excludes({"tunnel": "in"}, {"permit": "in"})])
    assert list(case.ruled_out()) == [("tunnel", "in")]
    assert solve(case).package["tunnel"] == "out"


def test_requires_cycle_that_forces_a_contradiction():
    with pytest.warns(DependencyWarning) as record:
        case = case_with(requires=[Requires({"tunnel": "in"}, {"permit": "in"}),
                                   Requires({"permit": "in"}, {"road": "in"}),
                                   Requires({"road": "in"}, {"tunnel": "out"})])
    reasons = case.ruled_out()
    assert reasons[("tunnel", "in")] == (
        "tunnel=in requires permit=in requires road=in requires tunnel=out, but tunnel=in "
        "(two options of issue 'tunnel')")
    assert "tunnel=in" in str(record[0].message)
    # permit=in and road=in are fine on their own (tunnel stays out)
    assert set(reasons) == {("tunnel", "in")}


def test_chain_through_excludes():
    with pytest.warns(DependencyWarning):
        case = case_with(requires=[Requires({"tunnel": "in"}, {"permit": "in"}),
                                   Requires({"permit": "in"}, {"road": "in"})],
                         excludes=[Excludes({"road": "in"}, {"tunnel": "in"})])
    assert case.ruled_out()[("tunnel", "in")] == (
        "tunnel=in requires permit=in requires road=in, but tunnel=in excludes road=in")


def test_issue_with_every_option_ruled_out_is_an_error():
    with pytest.raises(CaseError) as info:
        case_with(requires=[Requires({"tunnel": "in"}, {"permit": "in"}),
                            Requires({"tunnel": "out"}, {"permit": "in"})],
                  excludes=[Excludes({"tunnel": "in"}, {"permit": "in"}),
                            Excludes({"tunnel": "out"}, {"permit": "in"})])
    text = str(info.value)
    assert "issues.tunnel: every option is ruled out by the dependencies" in text
    assert "tunnel=out: tunnel=out requires permit=in, but tunnel=out excludes permit=in" in text


def test_requirement_whose_options_are_all_ruled_out():
    issues = [Issue("X", ["no", "yes"]), Issue("Y", ["a", "b", "c"]), Issue("Z", ["no", "yes"])]
    with pytest.warns(DependencyWarning):
        case = Case([Party("P")], issues, {},
                    requires=[Requires({"X": "yes"}, {"Y": ["a", "b"]}),
                              Requires({"Y": "a"}, {"Z": "yes"}),
                              Requires({"Y": "b"}, {"Z": "yes"})],
                    excludes=[Excludes({"Y": "a"}, {"Z": "yes"}),
                              Excludes({"Y": "b"}, {"Z": "yes"})])
    reasons = case.ruled_out()
    assert set(reasons) == {("X", "yes"), ("Y", "a"), ("Y", "b")}
    assert reasons[("X", "yes")] == (
        "X=yes requires Y=a|b, and each of those is ruled out (Y=a: Y=a requires Z=yes, but "
        "Y=a excludes Z=yes; Y=b: Y=b requires Z=yes, but Y=b excludes Z=yes)")
    package = solve(case).package
    assert (package["X"], package["Y"]) == ("no", "c")


def test_precedes_cycle_is_shown():
    with pytest.raises(CaseError) as info:
        case_with(precedes=[Precedes({"permit": "in"}, {"tunnel": "in"}),
                            Precedes({"tunnel": "in"}, {"road": "in"}),
                            Precedes({"road": "in"}, {"permit": "in"})])
    (problem,) = info.value.problems
    assert problem.where == "precedes"
    assert problem.got == "permit=in -> tunnel=in -> road=in -> permit=in"


def test_unknown_names_in_dependencies():
    with pytest.raises(CaseError) as info:
        case_with(requires=[Requires({"tunel": "in"}, {"permit": "yes"})],
                  synergy=[Synergy({"road": "in"}, {"Mayor": 1})],
                  excludes=[Excludes({"road": "in"}, {"road": "in"})])
    found = [str(p) for p in info.value.problems]
    assert "requires[0].option: unknown issue (got 'tunel')" in found
    assert any(p.startswith("requires[0].needs.permit: unknown option") for p in found)
    assert "synergy[0].bonus: unknown party (got 'Mayor')" in found
    assert "excludes[0]: an option cannot exclude itself (got road=in)" in found


def test_dependencies_in_case_files(tmp_path):
    case = case_with(requires=[Requires({"tunnel": "in"}, {"permit": ["in"], "road": "in"})],
                     excludes=[Excludes({"tunnel": "in"}, {"ferry": "in"})],
                     synergy=[Synergy({"tunnel": "in", "road": ["in"]}, {"City": -3, "Port": 2},
                                      name="traffic")],
                     precedes=[Precedes({"permit": "in"}, {"tunnel": "in"})])
    for suffix in (".yaml", ".json"):
        path = tmp_path / f"c{suffix}"
        save_case(case, path)
        assert load_case(path) == case
    path = tmp_path / "bad.yaml"
    path.write_text("parties: {A: 0}\nissues: {t: [out, in]}\nrequires: [{option: t}]\n"
                    "excludes: [[{t: in}]]\nsynergy: [{when: {t: in}}]\n")
    with pytest.raises(CaseError) as info:
        load_case(path)
    wheres = [p.where for p in info.value.problems]
    assert wheres == ["requires[0]", "excludes[0]", "synergy[0]"]


def test_synergy_and_requires_change_the_optimum():
    plain = case_with()
    assert solve(plain).package == {"tunnel": "in", "permit": "in", "road": "in", "ferry": "in"}
    tied = case_with(excludes=[Excludes({"tunnel": "in"}, {"ferry": "in"})],
                     synergy=[Synergy({"ferry": "in", "road": "in"}, {"Port": 9})])
    result = solve(tied)
    assert result.package == {"tunnel": "out", "permit": "in", "road": "in", "ferry": "in"}
    assert result.objective_value == BruteForce(tied).best("joint") == 18


def test_capped_utility():
    case = Case([Party("A", cap=5), Party("B")], [Issue("i", ["x", "y"])],
                {"A": {"i": [9, 4]}, "B": {"i": [0, 3]}})
    assert case.utilities({"i": "x"}) == {"A": 5, "B": 0}
    assert solve(case).package == {"i": "y"}  # 5 + 0 < 4 + 3


def test_no_warning_without_ruled_out_options():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        case_with(requires=[Requires({"tunnel": "in"}, {"permit": "in"})])


def test_logrolling_on_a_classic_trade():
    case = Case([Party("Port", batna=3), Party("City", batna=3)],
                [Issue("dredging", ["none", "deep"]), Issue("park", ["none", "large"])],
                {"Port": {"dredging": [0, 10], "park": [3, 0]},
                 "City": {"dredging": [2, 0], "park": [0, 9]}})
    package = solve(case).package
    assert package == {"dredging": "deep", "park": "large"}
    table = concessions(case, package)
    assert table.set_index(["issue", "party"]).loc[("park", "Port"), "gave_up"] == 3
    assert (table["gave_up"] >= 0).all() and (table["won"] >= 0).all()
    deals = trades(case, package)
    assert deals.to_dict("records") == [{
        "party": "Port", "conceded": "park", "other": "City", "other_conceded": "dredging",
        "gain": 7, "other_gain": 7, "counterfactual_feasible": True}]
