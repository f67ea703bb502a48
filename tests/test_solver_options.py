"""Each PuLP solver gets only the options it takes, and is told so when one cannot be
honoured; warnings point at the caller's line, not at the library's."""

from __future__ import annotations

import warnings

import pulp
import pytest

import mutualgains as mg
from mutualgains.engine.mip import MipModel, SolverOptionWarning, solver_options
from mutualgains.errors import SolverError
from mutualgains.model.relations import DependencyWarning


@pytest.mark.parametrize(("name", "gap", "time"), [
    ("HiGHS", True, True), ("HiGHS_CMD", True, True), ("PULP_CBC_CMD", True, True),
    ("COIN_CMD", True, True), ("SCIP_CMD", True, True), ("GLPK_CMD", False, True),
    ("CHOCO_CMD", False, True), ("MIPCL_CMD", False, True), ("COPT_CMD", False, False),
])
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP 3.3 on its bundled CBC
def test_only_options_a_solver_takes_are_passed(name, gap, time):
    """What the constructors of PuLP 3.3 take (whether or not the solver is installed)."""
    cls = getattr(pulp, name)
    kwargs, dropped = solver_options(cls, 10.0, 0.1, False)
    assert ("gapRel" in kwargs) is gap and ("timeLimit" in kwargs) is time
    assert len(dropped) == (not gap) + (not time)
    solver = cls(**kwargs)  # every option passed is one it takes
    assert solver.msg is False


def test_exact_answers_ask_nothing_of_a_solver_without_a_gap_option():
    kwargs, dropped = solver_options(pulp.GLPK_CMD, None, 0.0, False)
    assert kwargs == {"msg": False} and dropped == []


def test_glpk_is_created_without_a_gap_option():
    """It used to fail at creation ("gapRel" is no GLPK_CMD option); now only its absence
    from this machine is reported."""
    with pytest.raises(SolverError, match=r"^solver: 'glpk' \(GLPK_CMD\) is not available"):
        mg.solve(mg.load_example("harbour"), solver="glpk", method="mip")


class _NoGapSolver(pulp.PULP_CBC_CMD):
    """CBC behind a constructor without gap or time options (like GLPK or CHOCO)."""

    def __init__(self, mip=True, msg=True, options=None):
        super().__init__(mip=mip, msg=msg, options=options)


def test_a_gap_the_solver_cannot_honour_is_said(monkeypatch):
    real = pulp.getSolver
    monkeypatch.setattr(pulp, "getSolver", lambda name, **kw: _NoGapSolver(**kw)
                        if name == "PULP_CBC_CMD" else real(name, **kw))
    model = MipModel()
    x = model.add_variables(2, binary=True)
    model.set_objective(x, [1, 2])
    with pytest.warns(SolverOptionWarning) as caught:
        out = model.solve(solver="cbc", gap=0.1, time_limit=5)
    texts = sorted(str(w.message) for w in caught)
    assert texts == [
        "solver 'cbc' cannot honour a relative gap (gap=0.1): _NoGapSolver takes none, so it "
        "solves to its own default tolerance",
        "solver 'cbc' cannot honour a time limit (time_limit=5): _NoGapSolver takes none, so "
        "it runs to the end",
    ]
    assert all(w.filename == __file__ for w in caught)  # the caller's line
    assert out.objective == 3


def test_a_dependency_warning_points_at_the_callers_line(tmp_path):
    path = tmp_path / "dep.yaml"
    path.write_text('parties: {A: 0}\nissues: {t: [in, out], p: ["yes", "no"]}\n'
                    'scores: {A: {t: [1, 0]}}\n'
                    'requires: [{option: {t: in}, needs: {p: "yes"}}]\n'
                    'excludes: [[{t: in}, {p: "yes"}]]\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        case = mg.load_case(path)  # through the reader, the converter and the Case
        mg.Case(case.parties, case.issues, {}, requires=case.requires, excludes=case.excludes)
    found = [w for w in caught if issubclass(w.category, DependencyWarning)]
    assert len(found) == 2
    assert [w.filename for w in found] == [__file__, __file__]
