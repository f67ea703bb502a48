"""The solver's options, statuses, results and the CLI around it."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from mutualgains import (
    Case,
    Issue,
    Party,
    SolverError,
    Status,
    UsageError,
    load_example,
    solve,
)
from mutualgains.cli import main
from mutualgains.engine.mip import MipModel, MipOutcome
from mutualgains.testing import BruteForce


def big_case(seed: int = 3, parties: int = 8, issues: int = 60, options: int = 8) -> Case:
    rng = np.random.default_rng(seed)
    iss = [Issue(f"i{k}", tuple(f"o{j}" for j in range(options))) for k in range(issues)]
    scores = {f"p{p}": {i.name: rng.integers(0, 100, options).tolist() for i in iss}
              for p in range(parties)}
    witness = rng.integers(0, options, issues)
    ps = [Party(f"p{p}", batna=0.95 * sum(scores[f"p{p}"][i.name][c]
                                          for i, c in zip(iss, witness, strict=True)))
          for p in range(parties)]
    return Case(ps, iss, scores, name="big")


def test_unknown_objective():
    with pytest.raises(UsageError, match="^solve: objective must be one of 'joint',"):
        solve(load_example("harbour"), "best")


def test_not_a_case():
    with pytest.raises(UsageError, match="^solve: case must be a Case"):
        solve({"parties": {}})


def test_unknown_solver():
    with pytest.raises(SolverError, match="unknown solver 'gurobix'"):
        solve(load_example("harbour"), solver="gurobix")


@pytest.mark.parametrize("kwargs", [{"time_limit": 0}, {"time_limit": -1}, {"gap": -0.1},
                                    {"gap": float("nan")}])
def test_bad_limits(kwargs):
    with pytest.raises(UsageError):
        solve(load_example("harbour"), **kwargs)


def test_cbc_and_highs_agree_on_harbour():
    case = load_example("harbour")
    for objective in ("joint", "egalitarian", "ks", "leximin", "nash"):
        a, b = solve(case, objective), solve(case, objective, solver="cbc", method="mip")
        assert a.objective_value == pytest.approx(b.objective_value), objective
        assert b.status is Status.OPTIMAL and b.solver == "PULP_CBC_CMD"


def test_deterministic():
    case = load_example("harbour")
    for objective in ("joint", "egalitarian", "ks", "leximin", "nash"):
        first = solve(case, objective)
        assert all(solve(case, objective).package == first.package for _ in range(3))


def stop_early(monkeypatch, *, incumbent: bool, gap: float = 0.1) -> list[dict]:
    """Make every MIP solve stop as a solver stops at a time limit or a gap, on any machine.

    The real solver runs (without a time limit); its optimum comes back unproven, as
    status ``feasible`` with a bound ``gap`` above it, or (``incumbent=False``) no
    solution at all, status ``time_limit``. Returns the options each solve was given.
    """
    real = MipModel.solve
    calls: list[dict] = []

    def solve_then_stop(self, **options):
        calls.append(options)
        out = real(self, **{**options, "time_limit": None})
        if not incumbent:
            return MipOutcome(Status.TIME_LIMIT, None, None, None, None, out.seconds, out.solver)
        bound = out.objective + gap * max(abs(out.objective), 1e-9)
        return dataclasses.replace(out, status=Status.FEASIBLE, bound=bound, gap=gap)

    monkeypatch.setattr(MipModel, "solve", solve_then_stop)
    return calls


def test_time_limit_with_an_incumbent_reports_feasible_and_the_gap(monkeypatch):
    case = big_case()
    calls = stop_early(monkeypatch, incumbent=True, gap=0.05)
    result = solve(case, "joint", time_limit=5, method="mip")
    assert calls and all(0 < c["time_limit"] <= 5 for c in calls)
    assert result.status is Status.FEASIBLE and result.gap == pytest.approx(0.05)
    assert result.package is not None and case.passes(result.package)
    assert result.objective_value == pytest.approx(sum(result.gains.values()))


def test_time_limit_without_an_incumbent_reports_time_limit(monkeypatch):
    stop_early(monkeypatch, incumbent=False)
    result = solve(big_case(), "joint", time_limit=5, method="mip")
    assert result.status is Status.TIME_LIMIT
    assert result.package is None and result.gap is None
    assert "time limit" in result.message


def test_time_limit_on_a_real_solve_gives_one_of_its_statuses():
    """The real solver at a short limit: which status depends on the machine's speed."""
    case = big_case()
    result = solve(case, "joint", time_limit=0.05, method="mip")
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE, Status.TIME_LIMIT)
    assert (result.package is None) == (result.status is Status.TIME_LIMIT)
    if result.package is not None:
        assert case.passes(result.package)


def test_gap_option_is_passed_and_the_gap_reported(monkeypatch):
    case = big_case(seed=5)
    exact = solve(case, "joint", method="mip")
    assert exact.status is Status.OPTIMAL and exact.gap == 0
    calls = stop_early(monkeypatch, incumbent=True, gap=0.15)
    result = solve(case, "joint", gap=0.2, method="mip")
    assert calls and all(c["gap"] == 0.2 for c in calls)
    assert result.status is Status.FEASIBLE and 0 < result.gap <= 0.2
    assert exact.objective_value >= result.objective_value - 1e-9


def test_gap_option_on_a_real_solve():
    case = big_case(seed=5)
    result = solve(case, "joint", gap=0.2, method="mip")
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert (result.status is Status.OPTIMAL) == (result.gap == 0)
    assert result.gap <= 0.2


def test_weights_change_the_joint_objective():
    case = Case([Party("A", weight=3), Party("B")], [Issue("i", ["x", "y"])],
                {"A": {"i": [2, 0]}, "B": {"i": [0, 5]}})
    assert solve(case).package == {"i": "x"}
    assert solve(case).objective_value == 6


def test_scores_are_recomputed_from_the_case_not_read_from_the_solver():
    case = Case([Party("A", batna=0.1)], [Issue("i", ["x", "y"])], {"A": {"i": [0.1, 0.3]}})
    result = solve(case)
    assert result.scores == {"A": 0.3}
    assert result.gains["A"] == pytest.approx(0.2)


def test_ks_reports_ideal_gains_and_ratio():
    case = load_example("harbour")
    oracle = BruteForce(case)
    result = solve(case, "ks")
    ideal = oracle.ideal_gains()
    assert list(result.details["ideal_gains"].values()) == pytest.approx(ideal)
    ratios = [result.gains[p] / ideal[k] for k, p in enumerate(case.party_names)]
    assert result.objective_value == pytest.approx(min(ratios))


def test_result_displays():
    result = solve(load_example("harbour"), "nash")
    assert repr(result).startswith("<SolveResult nash optimal value=")
    text = str(result)
    assert "Neighbour Towns" in text and "BATNA" in text
    assert "<table>" in result._repr_html_()
    frame = result.to_frame()
    assert list(frame.columns) == ["party", "score", "batna", "gain", "accepted", "veto", "weight"]
    assert frame["gain"].tolist() == [result.gains[p] for p in frame["party"]]
    assert result.package_frame().shape == (5, 2)
    with pytest.raises(TypeError):
        result.gains["Port"] = 0


def test_no_agreement_result():
    case = Case([Party("A", batna=5), Party("B", batna=5)], [Issue("i", ["x", "y"])],
                {"A": {"i": [6, 0]}, "B": {"i": [0, 6]}})
    for objective in ("joint", "egalitarian", "ks", "leximin", "nash"):
        result = solve(case, objective)
        assert result.status is Status.NO_AGREEMENT
        assert result.package is None and not result.has_package
        assert result.to_frame()["score"].isna().all()
        assert "no package passes" in str(result)


# ------------------------------------------------------------------------- CLI


def test_cli_json(tmp_path, capsys):
    assert main(["solve", "--json", str(_harbour_file(tmp_path)), "--objective", "nash"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"status", "objective", "package", "scores", "gains", "accepted"} <= set(data)
    assert data["status"] == "optimal" and data["objective"] == "nash"
    result = solve(load_example("harbour"), "nash")
    assert data["package"] == dict(result.package)
    assert data["gains"] == dict(result.gains)


def test_cli_method_chooses_the_path(tmp_path, capsys):
    path_file = str(_harbour_file(tmp_path))
    for method, solver, path in (("auto", "enumerate", "enumerate"), ("dp", "dp", "dp"),
                                 ("enumerate", "enumerate", "enumerate"),
                                 ("mip", "HiGHS", "mip")):
        assert main(["solve", "--json", path_file, "--method", method]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["solver"] == solver and data["objective_value"] == 114
        assert data["method"] == path
        assert main(["frontier", "--json", path_file, "--parties", "Port,City",
                     "--method", method]) == 0
        frontier = json.loads(capsys.readouterr().out)
        assert frontier["method"] == path
        assert len(frontier["points"]) == 6


def test_cli_table(tmp_path, capsys):
    assert main(["solve", str(_harbour_file(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Harbour Sport Park: joint, optimal, value 114")
    assert "accepted" in out


def test_cli_no_agreement_exits_1(tmp_path, capsys):
    path = tmp_path / "stuck.yaml"
    path.write_text("parties: {A: 5, B: 5}\nissues: {i: [x, y]}\n"
                    "scores: {A: {i: [6, 0]}, B: {i: [0, 6]}}\n")
    assert main(["solve", str(path), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["status"] == "no_agreement"


def test_cli_demo(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for name in ("joint", "egalitarian", "ks", "leximin", "nash"):
        assert name in out


def test_cli_demo_json(capsys):
    assert main(["demo", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"joint", "egalitarian", "ks", "leximin", "nash"}


def test_console_script_has_no_banner(tmp_path):
    """highspy prints a banner on first use; the JSON output must stay clean."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "mutualgains", "solve", "--json",
                          str(_harbour_file(tmp_path))], capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout)["status"] == "optimal"


def _harbour_file(tmp_path):
    from mutualgains import save_case

    path = tmp_path / "harbour.yaml"
    save_case(load_example("harbour"), path)
    return path


def test_cli_frontier_json(tmp_path, capsys):
    path = _harbour_file(tmp_path)
    assert main(["frontier", str(path), "--parties", "Port,City", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "complete" and data["parties"] == ["Port", "City"]
    assert [(p["scores"]["Port"], p["scores"]["City"]) for p in data["points"]][:2] == [
        (87, 48), (81, 50)]


def test_cli_alternatives_json(tmp_path, capsys):
    assert main(["alternatives", str(_harbour_file(tmp_path)), "-k", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["objective_value"] for p in data["packages"]] == [114, 112, 105]


def test_cli_improve(tmp_path, capsys):
    package = ("infrastructure=water,ecology=maintain,employment=2:1 quota,loan=2 billion,"
               "compensation=300 million")
    assert main(["improve", str(_harbour_file(tmp_path)), "--package", package, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pareto_optimal"] is False and sum(data["left_on_table"].values()) == 45
    assert main(["improve", str(_harbour_file(tmp_path)), "--package", "loan"]) == 2
    assert "expected issue=option" in capsys.readouterr().err
    assert main(["improve", str(_harbour_file(tmp_path)), "--package", "{bad"]) == 2
    assert "malformed JSON" in capsys.readouterr().err


def test_cli_explain(tmp_path, capsys):
    path = tmp_path / "stuck.yaml"
    path.write_text("parties: {A: 5, B: 5, C: 1}\nissues: {i: [x, y]}\n"
                    "scores: {A: {i: [6, 0]}, B: {i: [0, 6]}, C: {i: [1, 1]}}\n")
    assert main(["explain", str(path), "--json", "--package", "i=x"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["agreement"] is False and data["blocking"] == ["A", "B"]
    assert data["shortfalls"] == {"B": 5}
    assert main(["explain", str(path)]) == 0
    assert "These parties can never all accept one package: A, B" in capsys.readouterr().out
