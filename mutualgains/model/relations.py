"""Dependencies between options: requires, excludes, synergy and precedes.

Real packages are not additive. Four kinds of relation are part of a case:

:class:`Requires`
    An option needs another: ``tunnel=in`` needs ``permit=granted``. The needed
    side may list several options of an issue (any of them will do) and several
    issues (each must hold).
:class:`Excludes`
    Two options cannot be chosen together.
:class:`Synergy`
    A bonus (or, negative, a penalty) per party when a combination holds: for
    every issue named, the chosen option is one of the listed ones (a
    "hyper-rectangle" in the terms of the ANAC 2014 nonlinear domains).
:class:`Precedes`
    Project order: the first option must be realised before the second (used
    by phasing; it does not restrict which packages are possible).

An option is written ``{issue: option}`` in case files and ``(issue, option)``
in Python.

Examples
--------
>>> from mutualgains import Case, Issue, Party
>>> from mutualgains.model.relations import Excludes, Requires, Synergy
>>> case = Case([Party("Port"), Party("City")],
...             [Issue("tunnel", ["out", "in"]), Issue("permit", ["refused", "granted"])],
...             {"Port": {"tunnel": [0, 10]}},
...             requires=[Requires(("tunnel", "in"), {"permit": ["granted"]})],
...             synergy=[Synergy({"tunnel": ["in"], "permit": ["granted"]}, {"City": 4})])
>>> case.utilities({"tunnel": "in", "permit": "granted"})
{'Port': 10, 'City': 4}
>>> case.violations({"tunnel": "in", "permit": "refused"})
['tunnel=in requires permit=granted']
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from mutualgains.errors import CaseError, Problem
from mutualgains.limits import MAX_DEPENDENCY_STEPS
from mutualgains.util import listing, number, set_fields, show, warn

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from mutualgains.model.case import Case
    from mutualgains.model.values import Issue

__all__ = [
    "DependencyWarning",
    "Excludes",
    "Precedes",
    "Requires",
    "Synergy",
    "dependency_graph",
    "option_label",
    "option_ref",
    "ruled_out",
]

OptionRef = tuple[str, str]
"""An option: ``(issue name, option name)``."""


def option_label(ref: OptionRef) -> str:
    """``issue=option``, the way options are named in messages.

    Examples
    --------
    >>> option_label(("tunnel", "in"))
    'tunnel=in'
    """
    return f"{ref[0]}={ref[1]}"


def option_ref(value: Any, where: str, problems: list[Problem]) -> OptionRef | None:
    """An option reference from ``(issue, option)`` or ``{issue: option}``; else a problem.

    Examples
    --------
    >>> option_ref({"tunnel": "in"}, "requires.option", [])
    ('tunnel', 'in')
    >>> problems = []
    >>> option_ref("tunnel", "requires.option", problems), str(problems[0])
    (None, "requires.option: must name one option as {issue: option} (got 'tunnel')")
    """
    if isinstance(value, Mapping) and len(value) == 1:
        ((issue, option),) = value.items()
        value = (issue, option)
    if (isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2
            and all(isinstance(v, str) and v for v in value)):
        return (value[0], value[1])
    problems.append(Problem(where, "must name one option as {issue: option}", show(value)))
    return None


def _condition(value: Any, where: str,
               problems: list[Problem]) -> Mapping[str, tuple[str, ...]] | None:
    """``issue -> allowed options`` from a mapping whose values are a name or a list."""
    if not isinstance(value, Mapping) or not value:
        problems.append(Problem(where, "must map issues to an option or a list of options",
                                show(value)))
        return None
    out = {}
    for issue, options in value.items():
        if isinstance(options, str):
            options = (options,)
        if (not isinstance(issue, str) or isinstance(options, Mapping)
                or not isinstance(options, Iterable)):
            problems.append(Problem(f"{where}.{issue}", "must be an option or a list of options",
                                    show(options)))
            continue
        options = tuple(options)
        if not options or not all(isinstance(o, str) and o for o in options):
            problems.append(Problem(f"{where}.{issue}", "must list at least one option name",
                                    show(options)))
            continue
        out[issue] = tuple(dict.fromkeys(options))
    return MappingProxyType(out)


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise CaseError(problems)


# ------------------------------------------------------------------ relations


@dataclass(frozen=True)
class Requires:
    """Choosing ``option`` needs ``needs``: for each issue there, one of its listed options.

    Parameters
    ----------
    option : (issue, option) or {issue: option}
    needs : mapping issue -> option or list of options

    Examples
    --------
    >>> Requires({"tunnel": "in"}, {"permit": "granted"}).needs["permit"]
    ('granted',)
    """

    option: OptionRef
    needs: Mapping[str, tuple[str, ...]]

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        option = option_ref(self.option, "requires.option", problems)
        needs = _condition(self.needs, "requires.needs", problems)
        _raise(problems)
        set_fields(self, option=option, needs=needs)

    def __str__(self) -> str:
        need = " and ".join(f"{i}={'|'.join(o)}" for i, o in self.needs.items())
        return f"{option_label(self.option)} requires {need}"


@dataclass(frozen=True)
class Excludes:
    """Options ``a`` and ``b`` cannot be chosen together.

    Examples
    --------
    >>> str(Excludes({"tunnel": "in"}, {"ferry": "in"}))
    'tunnel=in excludes ferry=in'
    """

    a: OptionRef
    b: OptionRef

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        a = option_ref(self.a, "excludes[0]", problems)
        b = option_ref(self.b, "excludes[1]", problems)
        _raise(problems)
        set_fields(self, a=a, b=b)

    def __str__(self) -> str:
        return f"{option_label(self.a)} excludes {option_label(self.b)}"


@dataclass(frozen=True)
class Synergy:
    """A bonus per party when, on every issue in ``when``, one of its listed options is chosen.

    Negative bonuses are penalties. With one option per issue this is the plain
    "worth more together" synergy; with ranges of options it is a hyper-rectangle.

    Parameters
    ----------
    when : mapping issue -> option or list of options
    bonus : mapping party -> points
    name : str, optional

    Examples
    --------
    >>> s = Synergy({"tunnel": "in", "park": ["small", "large"]}, {"City": 5}, name="green")
    >>> s.when["park"], s.bonus["City"]
    (('small', 'large'), 5)
    """

    when: Mapping[str, tuple[str, ...]]
    bonus: Mapping[str, float]
    name: str = ""

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        where = f"synergy.{self.name}" if self.name else "synergy"
        when = _condition(self.when, f"{where}.when", problems)
        bonus: dict[str, Any] = {}
        if not isinstance(self.bonus, Mapping):
            problems.append(Problem(f"{where}.bonus", "must map parties to points",
                                    show(self.bonus)))
        else:
            for party, value in self.bonus.items():
                points = number(value, f"{where}.bonus.{party}", problems)
                if points is not None:
                    bonus[party] = points
        if not isinstance(self.name, str):
            problems.append(Problem(f"{where}.name", "must be a string", show(self.name)))
        _raise(problems)
        set_fields(self, when=when, bonus=MappingProxyType(bonus))

    def __str__(self) -> str:
        cond = " and ".join(f"{i}={'|'.join(o)}" for i, o in self.when.items())
        return f"{self.name + ': ' if self.name else ''}{cond}"


@dataclass(frozen=True)
class Precedes:
    """Option ``before`` must be realised before option ``after`` (project order).

    Examples
    --------
    >>> str(Precedes({"permit": "granted"}, {"tunnel": "in"}))
    'permit=granted precedes tunnel=in'
    """

    before: OptionRef
    after: OptionRef

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        before = option_ref(self.before, "precedes[0]", problems)
        after = option_ref(self.after, "precedes[1]", problems)
        _raise(problems)
        set_fields(self, before=before, after=after)

    def __str__(self) -> str:
        return f"{option_label(self.before)} precedes {option_label(self.after)}"


# ----------------------------------------------------------------- validation


def reference_problems(case: Case) -> list[Problem]:
    """Unknown issues, options and parties named by the case's dependencies."""
    issues = {i.name: i for i in case.issues}
    parties = set(case.party_names)
    problems: list[Problem] = []

    def check_ref(ref: OptionRef, where: str) -> None:
        issue = issues.get(ref[0])
        if issue is None:
            problems.append(Problem(where, "unknown issue", show(ref[0])))
        elif ref[1] not in issue.positions:
            problems.append(Problem(where, f"unknown option of issue {ref[0]!r} "
                                    f"(options: {listing(issue.options)})", show(ref[1])))

    def check_condition(cond: Mapping[str, tuple[str, ...]], where: str) -> None:
        for name, options in cond.items():
            for option in options:
                check_ref((name, option), f"{where}.{name}")

    for k, r in enumerate(case.requires):
        check_ref(r.option, f"requires[{k}].option")
        check_condition(r.needs, f"requires[{k}].needs")
    for k, e in enumerate(case.excludes):
        check_ref(e.a, f"excludes[{k}]")
        check_ref(e.b, f"excludes[{k}]")
        if e.a == e.b:
            problems.append(Problem(f"excludes[{k}]", "an option cannot exclude itself",
                                    option_label(e.a)))
    for k, s in enumerate(case.synergy):
        check_condition(s.when, f"synergy[{k}].when")
        for party in s.bonus:
            if party not in parties:
                problems.append(Problem(f"synergy[{k}].bonus", "unknown party", show(party)))
    for k, p in enumerate(case.precedes):
        check_ref(p.before, f"precedes[{k}]")
        check_ref(p.after, f"precedes[{k}]")
    return problems


def precedence_problems(case: Case) -> list[Problem]:
    """A cycle of ``precedes`` (no order can satisfy it), shown option by option."""
    if not case.precedes:
        return []
    import networkx as nx  # only when needed: it takes long to import

    graph = nx.DiGraph()
    graph.add_edges_from((p.before, p.after) for p in case.precedes)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return []
    path = " -> ".join(option_label(u) for u, _ in cycle) + f" -> {option_label(cycle[0][0])}"
    return [Problem("precedes", "must not form a cycle (no order satisfies it)", path)]


# -------------------------------------------------------------- contradictions


class DependencyWarning(UserWarning):
    """Some options can never be chosen because of the dependencies."""


def ruled_out(case: Case) -> dict[OptionRef, str]:
    """Options that no package can contain, each with the chain of reasons.

    An option is ruled out when choosing it forces (through ``requires``,
    followed transitively wherever only one option would do) two options of
    one issue, two options that exclude each other, or an option that is
    itself ruled out. The analysis repeats until nothing changes. It is sound
    (every option it names is impossible) and explains why; the solver is
    exact in any case. Its work is bounded: after
    :data:`~mutualgains.limits.MAX_DEPENDENCY_STEPS` steps it stops, with a
    :class:`DependencyWarning` saying that it may have missed some options.

    Examples
    --------
    >>> import warnings
    >>> from mutualgains import Case, Issue, Party
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     case = Case([Party("A")], [Issue("t", ["out", "in"]), Issue("p", ["no", "yes"])],
    ...                 {}, requires=[Requires({"t": "in"}, {"p": "yes"})],
    ...                 excludes=[Excludes({"t": "in"}, {"p": "yes"})])
    >>> caught[0].category.__name__
    'DependencyWarning'
    >>> ruled_out(case)
    {('t', 'in'): 't=in requires p=yes, but t=in excludes p=yes'}
    """
    if not (case.requires or case.excludes):
        return {}
    needs_of: dict[OptionRef, list[Requires]] = {}
    for r in case.requires:
        needs_of.setdefault(r.option, []).append(r)
    excluded: dict[OptionRef, set[OptionRef]] = {}
    for e in case.excludes:
        excluded.setdefault(e.a, set()).add(e.b)
        excluded.setdefault(e.b, set()).add(e.a)
    out: dict[OptionRef, str] = {}
    steps = [MAX_DEPENDENCY_STEPS]
    changed = True
    try:
        while changed:
            changed = False
            for issue in case.issues:
                for option in issue.options:
                    ref = (issue.name, option)
                    if ref not in out and (ref in needs_of or ref in excluded):
                        reason = _conflict(ref, needs_of, excluded, out, steps)
                        if reason:
                            out[ref] = reason
                            changed = True
    except _OutOfSteps:
        warn(f"the search for options that no package can contain stopped after "
             f"{MAX_DEPENDENCY_STEPS:,} steps (limits.MAX_DEPENDENCY_STEPS): what it found "
             "holds, but it may have missed options (the solver is exact in any case)",
             DependencyWarning)
    return out


class _OutOfSteps(Exception):
    """The step budget of :func:`ruled_out` is spent."""


def _conflict(start: OptionRef, needs_of: dict, excluded: dict,
              ruled: dict[OptionRef, str], steps: list[int]) -> str | None:
    """Why ``start`` is impossible, or None: follow the requirements it forces."""
    parent: dict[OptionRef, OptionRef | None] = {start: None}  # option -> what forces it
    forced = {start[0]: start}  # issue -> the option of it in the chain

    def how(ref: OptionRef) -> str:  # "a=1 requires b=2 requires c=3": the chain to ref
        path = [ref]
        while (cause := parent[path[-1]]) is not None:
            path.append(cause)
        return " requires ".join(option_label(r) for r in reversed(path))

    queue = deque([start])
    while queue:
        u = queue.popleft()
        for r in needs_of.get(u, ()):
            for issue, options in r.needs.items():
                steps[0] -= len(options)
                if steps[0] < 0:
                    raise _OutOfSteps
                left = [o for o in options if (issue, o) not in ruled]
                if not left:
                    why = "; ".join(f"{option_label((issue, o))}: {ruled[(issue, o)]}"
                                    for o in options)
                    return (f"{how(u)} requires {issue}={'|'.join(options)}, and each of "
                            f"those is ruled out ({why})")
                if len(left) > 1:
                    continue
                ref = (issue, left[0])
                clash = forced.get(issue)
                if clash is not None and clash != ref:
                    return (f"{how(u)} requires {option_label(ref)}, but {how(clash)} (two "
                            f"options of issue {issue!r})")
                if ref not in parent:
                    parent[ref] = u
                    forced[issue] = ref
                    queue.append(ref)
    for a in parent:
        for b in excluded.get(a, ()):
            if b in parent:
                return f"{how(b) if b != start else how(a)}, but {option_label(a)} excludes " \
                       f"{option_label(b)}"
    return None


def contradiction_problems(case: Case) -> list[Problem]:
    """Issues whose every option is ruled out (no package exists at all), explained.

    Options ruled out one by one are reported as a :class:`DependencyWarning`.
    """
    out = ruled_out(case)
    problems = []
    for issue in case.issues:
        refs = [(issue.name, o) for o in issue.options]
        if all(r in out for r in refs):
            why = "; ".join(f"{option_label(r)}: {out[r]}" for r in refs)
            problems.append(Problem(f"issues.{issue.name}",
                                    "every option is ruled out by the dependencies, so no "
                                    "package exists", why))
    if out and not problems:
        text = "; ".join(f"{option_label(r)} ({why})" for r, why in out.items())
        warn(f"options that no package can contain: {text}", DependencyWarning)
    return problems


# ------------------------------------------------------------------ the graph


def dependency_graph(case: Case) -> nx.MultiDiGraph:
    """Options as nodes, dependencies as typed edges (a ``networkx`` multi-digraph).

    Nodes are ``(issue, option)`` with attributes ``issue`` and ``option``. Edge
    keys are the kinds: ``requires`` (option -> each needed option; attribute
    ``alternatives`` says how many options of that issue would do),
    ``excludes`` (both directions), ``synergy`` (between every two options of
    different issues in a combination; attributes ``index`` and ``bonus``) and
    ``precedes`` (before -> after).

    Examples
    --------
    >>> from mutualgains import Case, Issue, Party
    >>> from mutualgains.model.relations import Excludes
    >>> case = Case([Party("A")], [Issue("t", ["out", "in"]), Issue("f", ["out", "in"])], {},
    ...             excludes=[Excludes({"t": "in"}, {"f": "in"})])
    >>> g = case.dependency_graph()
    >>> g.number_of_nodes(), sorted(k for _, _, k in g.edges(keys=True))
    (4, ['excludes', 'excludes'])
    """
    import networkx as nx

    graph = nx.MultiDiGraph()
    for issue in case.issues:
        for option in issue.options:
            graph.add_node((issue.name, option), issue=issue.name, option=option)
    for r in case.requires:
        for name, options in r.needs.items():
            for option in options:
                graph.add_edge(r.option, (name, option), key="requires",
                               alternatives=len(options))
    for e in case.excludes:
        graph.add_edge(e.a, e.b, key="excludes")
        graph.add_edge(e.b, e.a, key="excludes")
    for k, s in enumerate(case.synergy):
        refs = [(i, o) for i, opts in s.when.items() for o in opts]
        for a in refs:
            for b in refs:
                if a[0] < b[0]:
                    graph.add_edge(a, b, key="synergy", index=k, bonus=dict(s.bonus))
    for p in case.precedes:
        graph.add_edge(p.before, p.after, key="precedes")
    return graph


# ----------------------------------------------------------------- evaluation


def violations(case: Case, choice: Sequence[int]) -> list[str]:
    """The requires and excludes relations a package (option positions) breaks."""
    chosen = {i.name: i.options[c] for i, c in zip(case.issues, choice, strict=True)}
    out = []
    for r in case.requires:
        if chosen[r.option[0]] == r.option[1] and any(
                chosen[i] not in opts for i, opts in r.needs.items()):
            out.append(str(r))
    for e in case.excludes:
        if chosen[e.a[0]] == e.a[1] and chosen[e.b[0]] == e.b[1]:
            out.append(str(e))
    return out


def condition_masks(issues: Sequence[Issue], when: Mapping[str, tuple[str, ...]]
                    ) -> list[tuple[int, tuple[bool, ...]]]:
    """``(issue position, allowed-option mask)`` for each issue of a condition."""
    position = {i.name: k for k, i in enumerate(issues)}
    out = []
    for name, options in when.items():
        issue, allowed = issues[position[name]], set(options)
        out.append((position[name], tuple(o in allowed for o in issue.options)))
    return out
