"""Every public entry point checks its arguments the same way, before any work.

The entry points are discovered from ``mutualgains.__all__`` and
``mutualgains.plots.__all__``, so that a new one cannot be forgotten: each must carry a
:func:`mutualgains.params.validated` declaration for every argument (or be listed in
:data:`UNDECLARED` with the reason), and must have a valid call in :func:`valid_call`. Each is
then fed, argument by argument, values its declaration refuses (a wrong case, wrong
types, out-of-range numbers), derived from the declared constraint itself; every one must
raise ``UsageError("<function>: <argument> must be <what it accepts> (got ...)")``.
"""

from __future__ import annotations

import functools
import inspect
import math
from pathlib import Path
from typing import Any

import pytest

import mutualgains as mg
import mutualgains.plots
from mutualgains.errors import UsageError
from mutualgains.params import (
    AnyOf,
    Choice,
    Constraint,
    FilePath,
    Flag,
    Function,
    Instance,
    Integer,
    ListOf,
    Maybe,
    Names,
    Real,
    Text,
)
from mutualgains.util import show


def _entry_points() -> dict[str, Any]:
    found = {name: getattr(mg, name) for name in mg.__all__
             if inspect.isfunction(getattr(mg, name))}
    found.update({name: getattr(mutualgains.plots, name) for name in mutualgains.plots.__all__})
    return found


ENTRY_POINTS = _entry_points()

UNDECLARED: dict[tuple[str, str], str] = {
    ("case_from_frames", "margin"): "case data, not usage: a bad margin is one of the "
                                    "problems of the CaseError that lists every problem",
}
"""(function, argument) left to the function body, with the reason."""


@functools.cache
def _fixtures() -> dict[str, Any]:  # built once, when the first test needs them
    harbour = mg.load_example("harbour")
    regional = mg.load_example("regional")
    package, projects = mg.solve(harbour).package, mg.solve(regional).package
    return {"harbour": harbour, "regional": regional, "package": package, "projects": projects,
            "plan": mg.phase(regional, projects),
            "frontier": mg.pareto_frontier(harbour, ["Port", "City"]),
            "review": mg.review_deal(harbour, package),
            "noisy": mg.with_noise(harbour, 0.1),
            "acceptance": mg.acceptance(mg.with_noise(harbour, 0.1), package, samples=50),
            "ranks": mg.rank_acceptability(mg.with_noise(harbour, 0.1), 2, samples=50),
            "game": mg.Game.from_values(["A", "B"], {"A": 1, "B": 2, ("A", "B"): 6}),
            "costs": mg.Game.from_values(["A", "B"], {"A": 6, "B": 4, ("A", "B"): 8},
                                         kind="costs"),
            "shares": mg.compare_shares(harbour, ["shapley"])}


def valid_call(name: str) -> tuple[tuple, dict]:
    """A valid call of entry point ``name`` (never run here: the checks come first)."""
    calls = _valid_calls()
    if name not in calls:
        pytest.fail(f"{name} is a new public entry point: add a valid call of it to "
                    "_valid_calls in tests/test_api_arguments.py")
    return calls[name]


@functools.cache
def _valid_calls() -> dict[str, tuple[tuple, dict]]:
    f = _fixtures()
    case, package = f["harbour"], f["package"]
    frames = mg.case_to_frames(case)
    return {
        "agenda_value": ((case, "loan"), {}),
        "alternatives": ((case, 2), {}),
        "amend": ((case, package, "Port"), {}),
        "case_from_excel": (("case.xlsx",), {}),
        "case_from_frames": (frames, {}),
        "case_to_excel": ((case, "case.xlsx"), {}),
        "case_to_frames": ((case,), {}),
        "check_amendment": ((case, package, package), {}),
        "compensate": ((case, package), {}),
        "concessions": ((case, package), {}),
        "copy_template": (("template.xlsx",), {}),
        "count_passing": ((case,), {}),
        "explain": ((case,), {}),
        "improve": ((case, package), {}),
        "load_case": (("case.yaml",), {}),
        "load_example": (("harbour",), {}),
        "pareto_frontier": ((case,), {}),
        "phase": ((f["regional"], f["projects"]), {}),
        "read_genius": (("domain",), {}),
        "read_scorable": (("game",), {}),
        "read_scorable_deal": (("game",), {}),
        "save_case": ((case, "case.yaml"), {}),
        "solve": ((case,), {}),
        "trades": ((case, package), {}),
        "dependency_chart": ((case,), {}),
        "gains_chart": ((case,), {}),
        "gantt_chart": ((f["plan"],), {}),
        "spend_chart": ((f["plan"],), {}),
        "utility_space": ((case,), {}),
        "value_chart": ((f["plan"],), {}),
        "utility_space_figure": ((case,), {}),
        "frontier_figure": ((f["frontier"],), {}),
        "review_chart": ((f["review"],), {}),
        "equivalent_offers": ((case, "Port", 2), {}),
        "mediator_offers": ((case, 2), {}),
        "learn_priorities": ((case, "Port"), {"accepted": [package]}),
        "review_deal": ((case, package), {}),
        "read_geniusweb": (("domain",), {}),
        "write_genius": ((case, "out"), {}),
        "write_geniusweb": ((case, "out"), {}),
        "to_negmas": ((case,), {}),
        "with_noise": ((case, 0.1), {}),
        "acceptance": ((f["noisy"], package), {}),
        "importance": ((f["noisy"], package), {}),
        "stability_radius": ((f["noisy"], package), {}),
        "rank_acceptability": ((f["noisy"], 2), {}),
        "robust_package": ((f["noisy"],), {}),
        "sampled_optima": ((f["noisy"], 10), {}),
        "sweep": ((case, [{}]), {}),
        "grid_scenarios": (({"margin": [0, 1]},), {}),
        "sampled_scenarios": ((3,), {}),
        "acceptance_chart": ((f["acceptance"],), {}),
        "rank_chart": ((f["ranks"],), {}),
        "gains_game": ((case,), {}),
        "cost_game": ((f["regional"],), {}),
        "least_core": ((f["game"],), {}),
        "stability": ((f["game"], {"A": 2.5, "B": 3.5}), {}),
        "nucleolus": ((f["game"],), {}),
        "shapley": ((f["game"],), {}),
        "scrb": ((f["costs"],), {}),
        "allocate": ((f["game"], "shapley"), {}),
        "share": ((case, "shapley"), {}),
        "settle": ((case, f["shares"].allocations[0]), {}),
        "compare_shares": ((case, ["shapley"]), {}),
        "shares_chart": ((f["shares"],), {}),
    }





def _constraints(func: Any) -> dict[str, Constraint]:
    return getattr(func, "__wrapped_constraints__", {})


def _bound(func: Any, args: tuple, kwargs: dict) -> inspect.BoundArguments:
    bound = inspect.signature(inspect.unwrap(func)).bind(*args, **kwargs)
    bound.apply_defaults()
    return bound


# ------------------------------------------------------------ what to feed each kind


class _Object:
    """Something of no expected type."""


def refused(constraint: Constraint) -> list[Any]:
    """Values ``constraint`` must refuse: wrong types, and out of range where it has a range."""
    if isinstance(constraint, Maybe):
        return [v for v in refused(constraint.inner) if v is not None]
    if isinstance(constraint, AnyOf):
        pool = [v for option in constraint.options for v in refused(option)]
        candidates = [*pool, None, _Object(), 3 + 4j]
    elif isinstance(constraint, Integer):
        candidates = [1.5, True, "1", None, math.nan, [1]]
        if constraint.low is not None:
            candidates.append(int(constraint.low) - 1)
        if constraint.high is not None:
            candidates.append(int(constraint.high) + 1)
    elif isinstance(constraint, Real):
        candidates = ["1", True, None, math.nan, math.inf, -math.inf, [1], 3 + 4j]
        if constraint.low is not None:
            candidates.append(constraint.low if constraint.strict else constraint.low - 1)
            candidates.append(-1e300)
        if constraint.high is not None:
            candidates += [constraint.high + 1, 1e300]
    elif isinstance(constraint, Choice):
        candidates = ["no-such-choice", constraint.values[0].upper() + "!", 3, None,
                      [constraint.values[0]]]
    elif isinstance(constraint, Flag):
        candidates = [1, 0, "yes", "False", None]
    elif isinstance(constraint, Text):
        candidates = ["", "   ", 3, None, ["A"], b"A"]
    elif isinstance(constraint, Names):
        candidates = ["AB", [""], [3], 3, None, {"A": 1}, [None]]
        candidates.append(["A"] * (constraint.min_length - 1))
    elif isinstance(constraint, ListOf):
        candidates = ["x", 3, None, {"a": 1}, [_Object()]]
        candidates.append([] if constraint.min_length else [_Object()])
    elif isinstance(constraint, FilePath):
        candidates = ["", "  ", 3, None, b"case.yaml", ["case.yaml"], "a\0b"]
    elif isinstance(constraint, Instance | Function):
        candidates = [None, 3, "text", _Object(), ["x"]]
    else:  # a constraint of one module (plots' Axes): the generic wrong things
        candidates = ["x", 3, _Object()]
    return [v for v in candidates if not constraint.accepts(v)]


def _arguments() -> list[Any]:
    return [pytest.param(name, arg, id=f"{name}-{arg}")
            for name, func in sorted(ENTRY_POINTS.items()) for arg in _constraints(func)]


# ---------------------------------------------------------------------------- tests


def test_entry_points_are_discovered():
    assert {"solve", "pareto_frontier", "load_case", "phase", "gantt_chart"} <= set(ENTRY_POINTS)


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_every_entry_point_declares_every_argument(name):
    func = ENTRY_POINTS[name]
    assert hasattr(func, "__wrapped_constraints__"), \
        f"{name} has no @validated declaration (mutualgains.params.validated)"
    declared = set(_constraints(func))
    params = set(inspect.signature(inspect.unwrap(func)).parameters)
    missing = {p for p in params - declared if (name, p) not in UNDECLARED}
    assert not missing, f"{name}: no constraint declared for {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_the_valid_call_passes_every_check(name):
    """Also checks the defaults: a wrong default would be found by the first call."""
    func = ENTRY_POINTS[name]
    bound = _bound(func, *valid_call(name))
    wrong = {arg: show(bound.arguments[arg]) for arg, c in _constraints(func).items()
             if not c.accepts(bound.arguments[arg])}
    assert not wrong


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_every_constraint_refuses_something(name):
    """Else the next test would have nothing to feed that argument."""
    for arg, constraint in _constraints(ENTRY_POINTS[name]).items():
        assert refused(constraint), f"{name}: nothing is refused for {arg}"


@pytest.mark.parametrize(("name", "arg"), _arguments())
def test_refused_values_raise_a_usage_error_naming_function_and_argument(name, arg):
    func = ENTRY_POINTS[name]
    constraint = _constraints(func)[arg]
    for value in refused(constraint):
        bound = _bound(func, *valid_call(name))
        bound.arguments[arg] = value
        with pytest.raises(UsageError) as info:
            func(*bound.args, **bound.kwargs)
        message = str(info.value)
        assert message.startswith(f"{name}: {arg} must be {constraint.describe()} (got "), \
            (show(value), message)
        assert "\n" not in message and len(message) < 400
        assert info.value.__context__ is None or info.value.__suppress_context__


@pytest.mark.parametrize("name", sorted(n for n, f in ENTRY_POINTS.items()
                                        if "case" in _constraints(f)))
@pytest.mark.parametrize("wrong", [None, {"parties": {}}, "harbour", 3, Path("case.yaml")],
                         ids=["None", "dict", "str", "int", "Path"])
def test_a_wrong_case_is_named(name, wrong):
    func = ENTRY_POINTS[name]
    bound = _bound(func, *valid_call(name))
    bound.arguments["case"] = wrong
    with pytest.raises(UsageError, match=f"^{name}: case must be a Case \\(got "):
        func(*bound.args, **bound.kwargs)


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_unknown_keyword_and_missing_argument_are_usage_errors(name):
    func = ENTRY_POINTS[name]
    args, kwargs = valid_call(name)
    with pytest.raises(UsageError, match=f"^{name}: .*no_such_option"):
        func(*args, **kwargs, no_such_option=1)
    if args:
        with pytest.raises(UsageError, match=f"^{name}: missing a required argument"):
            func()


def test_a_string_of_parties_is_not_read_as_letters():
    case = mg.load_example("harbour")
    with pytest.raises(UsageError, match="not a single string"):
        mg.pareto_frontier(case, parties="AB")


def test_solver_none_is_a_usage_error():
    with pytest.raises(UsageError, match="^solve: solver must be a non-empty string"):
        mg.solve(mg.load_example("harbour"), solver=None)


@pytest.mark.parametrize("path", [None, 3])
def test_load_case_of_a_non_path(path):
    with pytest.raises(UsageError, match="^load_case: path must be a path"):
        mg.load_case(path)


def test_save_case_of_a_non_case(tmp_path):
    with pytest.raises(UsageError, match="^save_case: case must be a Case"):
        mg.save_case({"parties": {}}, tmp_path / "x.yaml")
    assert not (tmp_path / "x.yaml").exists()
