"""Scenarios as data: each one a mapping of changes that turns the case into a what-if.

A scenario is a mapping with any of these keys (every key optional; unknown keys
are errors, so a typo never runs the base case silently):

=================  ===========================================================
key                what it does (applied in this order)
=================  ===========================================================
``id``             the scenario's id (text or a whole number; default: its
                   position). Ids decide what a resumed sweep has done already.
``patch``          a partial case file deep-merged into the case's data (a
                   mapping merges key by key, anything else replaces; ``null``
                   deletes the key): any change the other keys do not cover
``remove_options`` ``{issue: [option, ...]}``: those options are dropped, with
                   everything that names them (scores, costs, dependencies,
                   projects, uncertainty); a synergy that can no longer hold goes
``fix``            ``{issue: option}``: every other option of the issue is removed
``scores``         ``{party: {issue: {option: points}}}``: set these scores
``batnas``         ``{party: value}``: set these BATNAs
``batna_shift``    ``{party: delta}``: add to these BATNAs
``weights``        ``{party: weight}``
``margin``         a number
``min_parties``    a whole number, or ``null`` for unanimity
``veto``           a list of parties (replaces the rule's veto list)
``total_budget``   a number, or ``null`` for none
``budget``         the phasing budget: a number (every period) or one per period
``periods``        the phasing horizon
``sample``         ``true`` (scores and BATNAs) or ``{scores: bool, batnas: bool}``:
                   draw the uncertain numbers once from the case's uncertainty
                   with the scenario's seed; the draw becomes the case's values
                   (and the uncertainty is dropped: it has been drawn)
``options``        keyword arguments for the task in this scenario only
``tags``           ``{name: value}``: plain values copied into the result's rows
=================  ===========================================================

:func:`scenario_case` applies one; :func:`grid_scenarios` and
:func:`sampled_scenarios` generate many.

Examples
--------
>>> from mutualgains.io.examples import load_example
>>> case = load_example("harbour")
>>> what_if, options, tags = scenario_case(case, {"batnas": {"Port": 60},
...                                               "fix": {"loan": "none"}})
>>> what_if.party("Port").batna, what_if.issue("loan").options
(60, ('none',))
>>> for s in grid_scenarios({"batnas": {"Port": [50, 60]}, "margin": [0, 1]}):
...     print(s["id"])
batnas.Port=50,margin=0
batnas.Port=50,margin=1
batnas.Port=60,margin=0
batnas.Port=60,margin=1
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import numbers
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from mutualgains.analysis.robustness_sampling import uncertain_case
from mutualgains.errors import CaseError, Problem, UsageError
from mutualgains.model import Case
from mutualgains.model.convert import case_from_dict, case_to_dict
from mutualgains.params import Flag, Instance, Integer, Text, validated
from mutualgains.util import show

__all__ = ["CHANGE_KEYS", "FILE_KEYS", "ScenarioFile", "grid_scenarios", "read_scenarios",
           "sampled_scenarios", "scenario_case"]

CHANGE_KEYS: tuple[str, ...] = ("id", "patch", "remove_options", "fix", "scores", "batnas",
                                "batna_shift", "weights", "margin", "min_parties", "veto",
                                "total_budget", "budget", "periods", "sample", "options",
                                "tags")
"""The keys of a scenario (see the module notes)."""

FILE_KEYS: tuple[str, ...] = ("case", "task", "options", "seed", "scenarios", "grid",
                              "samples")
"""The keys of a scenarios file (see :func:`read_scenarios`)."""


def _fail(where: str, rule: str, got: Any = None) -> None:
    raise CaseError([Problem(where, rule, None if got is None else show(got))])


def _mapping(value: Any, where: str) -> Mapping:
    if not isinstance(value, Mapping):
        _fail(where, "must be a mapping", value)
    return value


def _merge(data: dict, patch: Mapping) -> None:
    for key, value in patch.items():
        if value is None:
            data.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(data.get(key), Mapping):
            inner = dict(data[key])
            _merge(inner, value)
            data[key] = inner
        else:
            data[key] = copy.deepcopy(value)


def _party(data: dict, name: str, where: str) -> dict:
    parties = data["parties"]
    if name not in parties:
        _fail(f"{where}.{name}", f"unknown party (parties: {', '.join(parties)})", name)
    spec = parties[name]
    spec = {} if spec is None else dict(spec) if isinstance(spec, Mapping) else {"batna": spec}
    parties[name] = spec
    return spec


def _refs(value: Any) -> list[tuple[str, str]]:
    """The option references in a dependency entry's option or pair."""
    if isinstance(value, Mapping):
        return [(str(i), o) for i, o in value.items() if isinstance(o, str)]
    if isinstance(value, list | tuple) and len(value) == 2 and all(
            isinstance(v, str) for v in value):
        return [(value[0], value[1])]
    return []


def _remove(data: dict, gone: dict[str, set[str]]) -> None:
    """Drop the options ``gone`` from the case data, with everything that names them."""
    def hit(ref: Any) -> bool:
        return any(o in gone.get(i, ()) for i, o in _refs(ref))

    for issue, options in gone.items():
        data["issues"][issue] = [o for o in data["issues"][issue] if o not in options]
    for row in (data.get("scores") or {}).values():
        for issue, cells in (row or {}).items():
            if issue in gone and isinstance(cells, Mapping):
                row[issue] = {o: v for o, v in cells.items() if o not in gone[issue]}
    for issue, cells in list((data.get("costs") or {}).items()):
        if issue in gone and isinstance(cells, Mapping):
            data["costs"][issue] = {o: v for o, v in cells.items() if o not in gone[issue]}
    kept = []
    for item in data.get("requires") or []:
        if hit(item.get("option")):
            continue
        needs = {}
        for issue, raw in item["needs"].items():
            listed = [raw] if isinstance(raw, str) else list(raw)
            left = [o for o in listed if o not in gone.get(issue, ())]
            if not left:
                option = ", ".join(f"{i}={o}" for i, o in _refs(item["option"]))
                _fail("remove_options", f"{option} needs {issue} = one of {listed}, all "
                      "removed: remove it too")
            needs[issue] = left
        kept.append({**item, "needs": needs})
    if "requires" in data:
        data["requires"] = kept
    for key in ("excludes", "precedes"):
        if key in data:
            data[key] = [pair for pair in data[key] if not any(hit(r) for r in pair)]
    if "synergy" in data:
        synergies = []
        for item in data["synergy"]:
            when = {}
            for issue, raw in item["when"].items():
                listed = [raw] if isinstance(raw, str) else list(raw)
                when[issue] = [o for o in listed if o not in gone.get(issue, ())]
            if all(when.values()):  # else it can never hold: it goes
                synergies.append({**item, "when": when})
        data["synergy"] = synergies
    phasing = data.get("phasing")
    if isinstance(phasing, Mapping) and phasing.get("projects"):
        data["phasing"] = {**phasing, "projects": [
            p for p in phasing["projects"] if not hit(p.get("option"))]}
    uncertainty = data.get("uncertainty")
    if isinstance(uncertainty, Mapping) and uncertainty.get("scores"):
        for row in uncertainty["scores"].values():
            for issue in list(row):
                if issue in gone:
                    row[issue] = {o: v for o, v in row[issue].items() if o not in gone[issue]}


def _removals(data: dict, raw: Any, where: str, *, fix: bool) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for issue, options in _mapping(raw, where).items():
        if issue not in data["issues"]:
            _fail(f"{where}.{issue}", f"unknown issue (issues: {', '.join(data['issues'])})",
                  issue)
        known = data["issues"][issue]
        listed = [options] if isinstance(options, str) else options
        if not isinstance(listed, list | tuple) or (fix and len(listed) != 1):
            _fail(f"{where}.{issue}", "must be one option name" if fix else
                  "must be an option name or a list of them", options)
        for option in listed:
            if option not in known:
                _fail(f"{where}.{issue}", f"unknown option (options: {', '.join(known)})",
                      option)
        out[issue] = {o for o in known if o not in listed} if fix else set(listed)
    return out


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        _fail(where, "must be a number", value)
    return value


_RESOLVED: tuple[Case, Any] | None = None  # the last case whose uncertainty was resolved


def _sample(case: Case, how: Any, rng: np.random.Generator) -> Case:
    if how is True:
        how = {"scores": True, "batnas": True}
    if not isinstance(how, Mapping) or not set(how) <= {"scores", "batnas"} or not all(
            isinstance(v, bool) for v in how.values()):
        _fail("sample", "must be true or {scores: true/false, batnas: true/false}", how)
    if case.uncertainty is None:
        _fail("sample", "the case states no uncertainty to draw from")
    global _RESOLVED
    if _RESOLVED is None or _RESOLVED[0] is not case:  # a sweep's samples share one case
        _RESOLVED = (case, uncertain_case(case))
    uc = _RESOLVED[1]
    scores, batnas = uc.draw(rng, 1)
    changes: dict[str, Any] = {"uncertainty": None}
    if how.get("scores", False):
        offsets = case.option_offsets
        changes["scores"] = {p: {i.name: scores[0, k, offsets[n]:offsets[n + 1]].tolist()
                                 for n, i in enumerate(case.issues)}
                             for k, p in enumerate(case.party_names)}
    if how.get("batnas", False):
        changes["parties"] = tuple(dataclasses.replace(p, batna=float(b))
                                   for p, b in zip(case.parties, batnas[0], strict=True))
    return dataclasses.replace(case, **changes)


def scenario_case(case: Case, scenario: Mapping[str, Any],
                  rng: np.random.Generator | None = None,
                  ) -> tuple[Case, dict[str, Any], dict[str, Any]]:
    """The case of one scenario, the task options it sets, and its tags.

    Parameters
    ----------
    case : Case
        The base case.
    scenario : mapping
        Changes (see :data:`CHANGE_KEYS` and the module notes).
    rng : numpy.random.Generator, optional
        For ``sample`` (required then).

    Raises
    ------
    CaseError
        A change that does not fit the case (an unknown party, issue or option,
        a malformed value), or a modified case that is invalid; every problem
        names its place.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case = load_example("regional")
    >>> what_if, _, _ = scenario_case(case, {"budget": 40, "batna_shift": {"Farmers": 2}})
    >>> what_if.phasing.budget[:3], what_if.party("Farmers").batna - case.party("Farmers").batna
    ((40, 40, 40), 2)
    >>> scenario_case(case, {"batnas": {"Farmer": 3}})
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      batnas.Farmer: unknown party (parties: Municipality, Water Board, Farmers, ...) (got 'Farmer')
    """
    if not isinstance(scenario, Mapping):
        _fail("scenario", "must be a mapping of changes", scenario)
    unknown = [k for k in scenario if k not in CHANGE_KEYS]
    if unknown:
        _fail(str(unknown[0]), f"unknown change (known: {', '.join(CHANGE_KEYS)})")
    if not set(scenario) - {"id", "options", "tags", "sample"}:
        data = None  # the base case, unchanged (a sample draws from it as it is)
    else:
        data = case_to_dict(case)
        if "patch" in scenario:
            _merge(data, _mapping(scenario["patch"], "patch"))
        gone: dict[str, set[str]] = {}
        for key in ("remove_options", "fix"):
            if key in scenario:
                for issue, removed in _removals(data, scenario[key], key,
                                                fix=key == "fix").items():
                    gone.setdefault(issue, set()).update(removed)
        if gone:
            _remove(data, gone)
        _apply_values(data, scenario)
    out = case if data is None else case_from_dict(data)
    if scenario.get("sample"):
        if rng is None:
            raise UsageError("scenario_case: sample needs an rng")
        out = _sample(out, scenario["sample"], rng)
    options = dict(_mapping(scenario.get("options", {}), "options"))
    tags = dict(_mapping(scenario.get("tags", {}), "tags"))
    for name, value in tags.items():
        if not (value is None or isinstance(value, str | bool | int | float)):
            _fail(f"tags.{name}", "must be a plain value (text, number, true/false)", value)
    return out, options, tags


def _apply_values(data: dict, scenario: Mapping[str, Any]) -> None:
    for party, row in _mapping(scenario.get("scores", {}), "scores").items():
        if party not in data["parties"]:
            _fail(f"scores.{party}", "unknown party", party)
        target = data.setdefault("scores", {}).setdefault(party, {}) or {}
        data["scores"][party] = target
        for issue, cells in _mapping(row, f"scores.{party}").items():
            if issue not in data["issues"]:
                _fail(f"scores.{party}.{issue}", "unknown issue", issue)
            current = target.get(issue, {})
            if isinstance(current, list):
                current = dict(zip(data["issues"][issue], current, strict=False))
            target[issue] = {**current, **_mapping(cells, f"scores.{party}.{issue}")}
    for party, value in _mapping(scenario.get("batnas", {}), "batnas").items():
        _party(data, party, "batnas")["batna"] = _number(value, f"batnas.{party}")
    for party, value in _mapping(scenario.get("batna_shift", {}), "batna_shift").items():
        spec = _party(data, party, "batna_shift")
        spec["batna"] = spec.get("batna", 0) + _number(value, f"batna_shift.{party}")
    for party, value in _mapping(scenario.get("weights", {}), "weights").items():
        _party(data, party, "weights")["weight"] = value
    if "margin" in scenario:
        data["margin"] = scenario["margin"]
    rule = dict(data.get("decision_rule") or {})
    if "min_parties" in scenario:
        rule["min_parties"] = scenario["min_parties"]
    if "veto" in scenario:
        rule["veto"] = scenario["veto"]
        for spec in data["parties"].values():
            if isinstance(spec, dict):
                spec.pop("veto", None)
    if rule:
        data["decision_rule"] = rule
    if "total_budget" in scenario:
        data["total_budget"] = scenario["total_budget"]
    for key in ("budget", "periods"):
        if key in scenario:
            if not isinstance(data.get("phasing"), Mapping):
                _fail(key, "the case has no phasing data")
            data["phasing"] = {**data["phasing"], key: scenario[key]}


# ----------------------------------------------------------------- generators


def _leaves(grid: Mapping[str, Any]) -> list[tuple[tuple[str, ...], list]]:
    out: list[tuple[tuple[str, ...], list]] = []
    for key, value in _mapping(grid, "grid").items():
        if key not in CHANGE_KEYS or key in ("id", "tags", "sample"):
            _fail(f"grid.{key}", "unknown change for a grid")
        if isinstance(value, Mapping):
            for name, values in value.items():
                if not isinstance(values, list) or not values:
                    _fail(f"grid.{key}.{name}", "must be a non-empty list of values", values)
                out.append(((key, name), values))
        elif isinstance(value, list) and value:
            out.append(((key,), value))
        else:
            _fail(f"grid.{key}", "must be a non-empty list of values, or a mapping of them",
                  value)
    return out


@validated(grid=Instance(Mapping, label="a mapping of change -> values"))
def grid_scenarios(grid: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every combination of the values in ``grid`` (its last entry varying fastest).

    ``grid`` maps a change to a list of values, or (for changes that take a
    mapping: ``batnas``, ``weights``, ``options``...) to a mapping of lists. Ids
    name the values, ``key.name=value`` joined by commas.

    Examples
    --------
    >>> [s["batnas"] for s in grid_scenarios({"batnas": {"A": [1, 2], "B": [0]}})]
    [{'A': 1, 'B': 0}, {'A': 2, 'B': 0}]
    """
    leaves = _leaves(grid)
    out = []
    for values in itertools.product(*(v for _, v in leaves)):
        scenario: dict[str, Any] = {}
        names = []
        for (path, _), value in zip(leaves, values, strict=True):
            if len(path) == 1:
                scenario[path[0]] = value
            else:
                scenario.setdefault(path[0], {})[path[1]] = value
            names.append(f"{'.'.join(path)}={value}")
        out.append({"id": ",".join(names), **scenario})
    return out


@validated(n=Integer(low=0), scores=Flag(), batnas=Flag(), prefix=Text())
def sampled_scenarios(n: int, *, scores: bool = True, batnas: bool = True,
                      prefix: str = "sample") -> Iterator[dict[str, Any]]:
    """``n`` scenarios that each draw the case's uncertain numbers once (ids ``sample-0``...).

    The draws come from each scenario's own seed (see :func:`mutualgains.sweeps.sweep`),
    so they do not depend on how the sweep is run.

    Examples
    --------
    >>> list(sampled_scenarios(2, batnas=False))[1]
    {'id': 'sample-1', 'sample': {'scores': True, 'batnas': False}}
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise UsageError(f"sampled_scenarios: n must be a whole number, got {n!r}")
    for k in range(n):
        yield {"id": f"{prefix}-{k}", "sample": {"scores": scores, "batnas": batnas}}


# ---------------------------------------------------------------- the file


class ScenarioFile:
    """A scenarios file read by :func:`read_scenarios`: the case, the scenarios, and the
    task, its options and the seed the file gives (``None`` where it gives none).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = path.write_text("case: harbour\\nscenarios: [{batnas: {Port: 60}}]\\n")
    >>> read_scenarios(path).scenarios
    [{'batnas': {'Port': 60}}]
    """

    def __init__(self, case: Case, scenarios: list[dict[str, Any]], task: str | None,
                 options: dict[str, Any], seed: int | None):
        self.case, self.scenarios, self.task = case, scenarios, task
        self.options, self.seed = options, seed

    def __repr__(self) -> str:
        return (f"<ScenarioFile {self.case.name!r}: {len(self.scenarios)} scenarios, task "
                f"{self.task}>")


def read_scenarios(path: str | Path) -> ScenarioFile:
    """Read a scenarios file (YAML or JSON, by suffix).

    Keys (:data:`FILE_KEYS`): ``case`` (required: a case file's path, relative
    to the scenarios file, a built-in example's name, or the case itself as a
    mapping), ``scenarios`` (a list of scenarios, see the module notes),
    ``grid`` (every combination of its values, after the listed scenarios),
    ``samples`` (that many sampled scenarios, after those), and ``task``,
    ``options``, ``seed`` for :func:`mutualgains.sweeps.sweep`.

    Raises
    ------
    UsageError
        For a file that cannot be read or has unknown keys.
    CaseError
        For a case that is invalid.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.json"
    >>> _ = path.write_text('{"case": "harbour", "grid": {"margin": [0, 2]}, "samples": 1}')
    >>> [s["id"] for s in read_scenarios(path).scenarios]
    ['margin=0', 'margin=2', 'sample-0']
    """
    from mutualgains.io.casefile import load_case, read_text
    from mutualgains.io.examples import EXAMPLES, load_example

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"scenarios file {path}: no such file")
    try:
        data = read_text(path)
    except CaseError as err:
        raise UsageError(f"scenarios file {path}: {err.problems[0]}") from None
    if not isinstance(data, Mapping):
        raise UsageError(f"scenarios file {path}: must hold a mapping with {', '.join(FILE_KEYS)}")
    unknown = [k for k in data if k not in FILE_KEYS]
    if unknown:
        raise UsageError(f"scenarios file {path}: unknown key {unknown[0]!r} "
                         f"(known: {', '.join(FILE_KEYS)})")
    raw = data.get("case")
    if isinstance(raw, Mapping):
        case = case_from_dict(raw)
    elif isinstance(raw, str) and (path.parent / raw).exists():
        case = load_case(path.parent / raw)
    elif isinstance(raw, str) and raw in EXAMPLES:
        case = load_example(raw)
    else:
        raise UsageError(f"scenarios file {path}: case must be a case file (relative to this "
                         f"file), an example name ({', '.join(EXAMPLES)}) or a mapping, "
                         f"got {show(raw)}")
    scenarios = data.get("scenarios") or []
    if not isinstance(scenarios, list):
        raise UsageError(f"scenarios file {path}: scenarios must be a list")
    scenarios = list(scenarios)
    if data.get("grid") is not None:
        try:
            scenarios += grid_scenarios(data["grid"])
        except CaseError as err:
            raise UsageError(f"scenarios file {path}: {err.problems[0]}") from None
    if data.get("samples") is not None:
        scenarios += list(sampled_scenarios(data["samples"]))
    options = data.get("options") or {}
    if not isinstance(options, Mapping):
        raise UsageError(f"scenarios file {path}: options must be a mapping")
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise UsageError(f"scenarios file {path}: seed must be a whole number >= 0")
    task = data.get("task")
    if task is not None and not isinstance(task, str):
        raise UsageError(f"scenarios file {path}: task must be a task name")
    return ScenarioFile(case, scenarios, task, dict(options), seed)
