"""The mutualgains tools over the Model Context Protocol (stdio), on the official ``mcp`` SDK.

``mutualgains mcp`` (or :func:`main`) serves eight tools, one concept each:

``describe_case``      parties, BATNAs, issues and options, the decision rule, the scores
``solve``              the best package for a bargaining objective
``frontier``           the exact Pareto frontier (progress reported per point found)
``explain``            why no deal exists, what would unlock one, who rejects a package
``equivalent_offers``  k packages equally good for a party (or the mediator), most diverse
``learn_priorities``   a party's priorities from its reactions, and the next question
``review_deal``        a package's gains, Pareto improvements, solutions and trades
``phase``              a schedule of a package's projects under a budget

Every tool takes ``case``: the name of a built-in example (``harbour``, ``regional``),
the path of a case file or folder, or the case itself as YAML or JSON text.
Results are JSON with the output schema of :mod:`mutualgains.mcpserver.schemas`;
a bad case or argument is a tool error whose text names the problem (where /
rule / got), never a crash of the server. Long calls report progress through
the protocol when the client asks for it (a progress token).

Examples
--------
>>> server = build_server()
>>> sorted(TOOLS)[:3]
['describe_case', 'equivalent_offers', 'explain']
>>> case_from_text("harbour").name
'Harbour Sport Park'
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

try:
    import anyio.from_thread
    from mcp.server.mcpserver import Context, MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp_types import ToolAnnotations
    from pydantic import BaseModel, Field
except ImportError as err:  # pragma: no cover - depends on the environment
    raise ImportError('the MCP server needs the mcp package: pip install "mutualgains[mcp]"'
                      ) from err

import yaml

from mutualgains import __version__
from mutualgains.errors import CaseError, MutualGainsError, Problem, UsageError
from mutualgains.mcpserver.schemas import (
    CaseOutput,
    ExplainOutput,
    FrontierOutput,
    LearnOutput,
    OffersOutput,
    PhaseOutput,
    ReviewOutput,
    SolveOutput,
)
from mutualgains.model import Case
from mutualgains.util import show

__all__ = ["TOOLS", "build_server", "case_from_text", "main"]

TOOLS: tuple[str, ...] = ("describe_case", "solve", "frontier", "explain", "equivalent_offers",
                          "learn_priorities", "review_deal", "phase")
"""The tools the server offers."""

_OUTPUTS: dict[str, type[BaseModel]] = {
    "describe_case": CaseOutput, "solve": SolveOutput, "frontier": FrontierOutput,
    "explain": ExplainOutput, "equivalent_offers": OffersOutput,
    "learn_priorities": LearnOutput, "review_deal": ReviewOutput, "phase": PhaseOutput}
# The output model (and so the published output schema) of each tool.

_MAX_TEXT = 5_000_000  # characters of case text

INSTRUCTIONS = (
    "mutualgains finds multi-party agreements in which every party gains. Every tool takes "
    "`case`: a built-in example name (harbour, regional), the path of a case file (.yaml, "
    ".json, .xlsx) or folder (GENIUS domain, scorable game), or the case itself as YAML/JSON "
    "text (keys: name, parties {name: {batna}}, issues {name: [options]}, scores {party: "
    "{issue: [points per option]}}, decision_rule {min_parties, veto}). Start with "
    "describe_case. Packages are JSON objects issue -> option. Results are exact unless the "
    "status says otherwise (feasible: the gap; time_limit).")

Case_ = Annotated[str, Field(description=(
    "a built-in example name (harbour, regional), the path of a case file or folder, or the "
    "case as YAML or JSON text"))]
PackageArg = Annotated[dict[str, str], Field(description="a package: issue -> option")]


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys (as :func:`mutualgains.load_case` does)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode,
             deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}",
                                                    key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def case_from_text(text: str) -> Case:
    """The case that ``text`` names: an example, a path, or YAML/JSON case text.

    Raises
    ------
    CaseError
        Malformed YAML/JSON (with line and column), an invalid case, or text that
        is none of the three.

    Examples
    --------
    >>> case_from_text("parties: {A: 1, B: 1}\\nissues: {i: [x, y]}\\n"
    ...                "scores: {A: {i: [2, 0]}, B: {i: [0, 2]}}").party_names
    ('A', 'B')
    >>> case_from_text("nowhere.yaml")
    Traceback (most recent call last):
    ...
    mutualgains.errors.CaseError: 1 problem in the case:
      case: must be an example name (harbour, regional), an existing file or folder, or \
YAML/JSON case text (got 'nowhere.yaml')
    """
    from mutualgains.io.casefile import load_case
    from mutualgains.io.examples import EXAMPLES, load_example

    if not isinstance(text, str) or not text.strip():
        raise CaseError([Problem("case", "must be a non-empty string", show(text))])
    if len(text) > _MAX_TEXT:
        raise CaseError([Problem("case", f"must be at most {_MAX_TEXT:,} characters",
                                 f"{len(text):,}")])
    name = text.strip()
    if "\n" not in name and not name.startswith("{"):
        path = _existing(name)
        if name in EXAMPLES and path is None:
            return load_example(name)
        if path is not None:
            return load_case(path)
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"case:{mark.line + 1}:{mark.column + 1}" if mark else "case"
        raise CaseError([Problem(where, "malformed YAML or JSON",
                                 getattr(err, "problem", None) or str(err))]) from None
    if not isinstance(data, dict):
        raise CaseError([Problem("case", "must be an example name (harbour, regional), an "
                                 "existing file or folder, or YAML/JSON case text",
                                 show(name))])
    return Case.from_dict(data)


def _existing(name: str) -> Path | None:
    """``name`` as an existing path, or None (also for names no file system accepts)."""
    try:
        path = Path(name).expanduser()
        return path if path.exists() else None
    except (OSError, ValueError):  # too long, a NUL byte...
        return None


def _tool(fn: Callable[..., dict[str, Any]], output: type[BaseModel]) -> Callable[..., Any]:
    """``fn`` as a tool: the library's errors become tool errors that name the problem, and
    its result is published with the output schema of ``output``.

    The tools return plain JSON-ready dicts (what ``to_dict`` gives); the SDK derives the
    output schema from the return annotation of the signature it reads and validates each
    result against that model, so the wrapper's signature names ``output`` as its return.
    """

    @functools.wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except MutualGainsError as err:
            raise ToolError(str(err)) from None

    signature = inspect.signature(fn, eval_str=True).replace(return_annotation=output)
    # typeshed declares no __signature__ on functions, though inspect.signature reads it
    wrapped.__signature__ = signature  # type: ignore[attr-defined]
    wrapped.__annotations__ = {**fn.__annotations__, "return": output}
    return wrapped


def _reporter(ctx: Context | None, total: float | None = None) -> Callable[..., None] | None:
    """A progress callback for an analysis running in a worker thread."""
    if ctx is None:
        return None

    def report(done: float, of: float | None = None, message: str | None = None) -> None:
        bound = of or total
        anyio.from_thread.run(ctx.report_progress, float(done),
                              None if bound is None else float(bound), message)

    return report


# ------------------------------------------------------------------ the tools


def describe_case(case: Case_) -> dict[str, Any]:
    """Describe a case: its parties (BATNA, weight, veto), issues and options, the decision
    rule, the number of packages, the dependencies and every party's scores."""
    c = case_from_text(case)
    rule = ("every party must accept" if c.decision_rule.is_unanimity else
            f"at least {c.min_parties} of {len(c.parties)} parties must accept"
            + (f", {', '.join(c.decision_rule.veto)} among them" if c.decision_rule.veto
               else ""))
    return {
        "name": c.name, "description": c.description,
        "parties": [{"name": p.name, "batna": p.batna, "weight": p.weight, "veto": p.veto}
                    for p in c.parties],
        "issues": [{"name": i.name, "options": list(i.options)} for i in c.issues],
        "decision_rule": rule, "min_parties": c.min_parties, "veto": list(c.veto_parties),
        "margin": c.margin, "n_packages": c.n_packages,
        "dependencies": {"requires": len(c.requires), "excludes": len(c.excludes),
                         "synergy": len(c.synergy), "precedes": len(c.precedes)},
        "has_phasing": c.phasing is not None,
        "scores": {p: {i: list(v) for i, v in table.items()} for p, table in c.scores.items()},
    }


def solve(case: Case_,
          objective: Annotated[str, Field(description="joint, egalitarian, ks, leximin or "
                                                      "nash")] = "joint",
          time_limit: Annotated[float | None, Field(description="seconds")] = None,
          transfers: Annotated[bool, Field(description="choose side payments too")] = False,
          ) -> dict[str, Any]:
    """The best package that passes the decision rule for a bargaining objective: joint (the
    largest total gain), egalitarian, ks (Kalai-Smorodinsky), leximin or nash; exact."""
    from mutualgains.analysis.solve import solve as run

    return run(case_from_text(case), objective, time_limit=time_limit,
               transfers=transfers).to_dict()


def frontier(case: Case_,
             parties: Annotated[list[str] | None, Field(description="the parties spanning the "
                                                                    "frontier (all)")] = None,
             max_points: int = 200, time_limit: float | None = None,
             method: Annotated[Literal["auto", "dp", "enumerate", "mip"],
                               Field(description="the exact path: auto decides from the "
                                                 "case")] = "auto",
             ctx: Context | None = None) -> dict[str, Any]:
    """The exact Pareto frontier of the packages that pass: one package per non-dominated
    utility vector. Reports progress as points are found (at once when the exact set is
    computed without a solver)."""
    from mutualgains.analysis.frontier import pareto_frontier

    report = _reporter(ctx)
    seen = [-1]

    def progress(points: int, total: int | None) -> None:
        if report is not None and points != seen[0]:  # once per new point
            seen[0] = points
            report(points, None, f"{points} points found")

    result = pareto_frontier(case_from_text(case), parties, max_points=max_points,
                             time_limit=time_limit, progress=progress, ties=False,
                             method=method)
    return result.to_dict()


def explain(case: Case_, package: PackageArg | None = None) -> dict[str, Any]:
    """Why no package passes (a minimal blocking set of parties, the largest coalitions, the
    BATNA moves that would unlock a deal), and who rejects a given package and by how much."""
    from mutualgains.analysis.explain import explain as run

    return run(case_from_text(case), package).to_dict()


def equivalent_offers(
        case: Case_,
        party: Annotated[str | None, Field(description="the party making the offers; omit for "
                                                       "the mediator's seat")] = None,
        k: int = 3,
        tolerance: Annotated[float, Field(description="how far apart the held-equal values "
                                                      "may be")] = 0.0,
        at: Annotated[float | str | None, Field(description="hold them near this level, or "
                                                            "'best'")] = None,
        diversity: Annotated[str | None, Field(description="utilities or issues (default: "
                                                           "utilities for a party, issues "
                                                           "for the mediator)")] = None,
        band: Annotated[float | None, Field(description="mediator: how far apart each "
                                                        "party's gains may be")] = None,
) -> dict[str, Any]:
    """k packages equally good for a party (within its tolerance) that pass the decision rule
    and differ as much as possible for the others, so its choice reveals their priorities;
    without a party, from the mediator's seat: about equal joint gain, each party's gain
    within a band."""
    from mutualgains.analysis.offers import equivalent_offers as for_party
    from mutualgains.analysis.offers import mediator_offers

    c = case_from_text(case)
    if party is None:
        return mediator_offers(c, k, tolerance=tolerance, band=band, at=at,
                               diversity=diversity or "issues").to_dict()
    if band is not None:
        raise UsageError("band: only from the mediator's seat (without a party)")
    return for_party(c, party, k, tolerance=tolerance, at=at,
                     diversity=diversity or "utilities").to_dict()


def learn_priorities(
        case: Case_, party: str,
        accepted: Annotated[Sequence[dict[str, str]], Field(description="packages it "
                                                                    "accepted")] = (),
        rejected: Annotated[Sequence[dict[str, str]], Field(description="packages it "
                                                                    "rejected")] = (),
        preferred: Annotated[Sequence[list[dict[str, str]]], Field(
            description="pairs [preferred package, other package]")] = (),
        ranking: Annotated[Sequence[dict[str, str]], Field(description="packages best "
                                                                   "first")] = (),
        model: Annotated[str, Field(description="weights (issue weights over the current "
                                                "ratings) or scores (every option)")] = "weights",
        batna: Annotated[float | None, Field(description="the party's BATNA if known")] = None,
        ctx: Context | None = None) -> dict[str, Any]:
    """The score tables consistent with a party's reactions (as linear constraints), whether
    they conflict (and an irreducible conflicting set), a central estimate with ranges, and
    the package to ask about next."""
    from mutualgains.analysis.learning import learn_priorities as run

    return run(case_from_text(case), party, accepted=list(accepted), rejected=list(rejected),
               preferred=[tuple(p) for p in preferred], ranking=list(ranking), model=model,
               batna=batna, progress=_reporter(ctx)).to_dict()


def review_deal(case: Case_, package: PackageArg,
                rule: Annotated[str, Field(description="what the best improvement maximises: "
                                                       "joint, egalitarian or nash")] = "joint",
                ctx: Context | None = None) -> dict[str, Any]:
    """Review a proposed or agreed package: each party's gain, whether it is Pareto-optimal,
    the Pareto improvements and the value left on the table, the bargaining solutions, the
    trades it contains."""
    from mutualgains.analysis.review import review_deal as run

    return run(case_from_text(case), package, rule=rule, progress=_reporter(ctx)).to_dict()


def phase(case: Case_,
          package: Annotated[dict[str, str] | None, Field(
              description="the package (default: the best for objective)")] = None,
          objective: str = "joint",
          periods: int | None = None,
          budget: Annotated[float | None, Field(description="per period")] = None,
          time_limit: float | None = None) -> dict[str, Any]:
    """Schedule the projects of a package over periods under a budget (carry-over,
    discounting, precedence), maximising the discounted value realised."""
    from mutualgains.analysis.solve import solve as run
    from mutualgains.phasing import phase as schedule

    c = case_from_text(case)
    if package is None:
        best = run(c, objective)
        if best.package is None:
            raise UsageError(f"package: no package passes ({best.message}); give one")
        package = dict(best.package)
    return schedule(c, package, periods=periods, budget=budget,
                    time_limit=time_limit).to_dict()


# ------------------------------------------------------------------ the server


def build_server() -> MCPServer:
    """The MCP server with the eight tools (not yet running).

    Examples
    --------
    >>> build_server().name
    'mutualgains'
    """
    server = MCPServer("mutualgains", title="mutualgains", version=__version__,
                       instructions=INSTRUCTIONS, log_level="WARNING")
    read_only = ToolAnnotations(read_only_hint=True, destructive_hint=False,
                                idempotent_hint=True, open_world_hint=False)
    for name in TOOLS:
        server.add_tool(_tool(globals()[name], _OUTPUTS[name]), name=name, annotations=read_only,
                        structured_output=True)
    return server


def main() -> None:
    """Serve the tools over stdio until the client closes the connection.

    Examples
    --------
    >>> callable(main)
    True
    """
    # While it serves, the SDK points fd 1 at stderr and writes the protocol to a private
    # descriptor: stray output (the solver's one-time banner) never reaches the wire.
    build_server().run("stdio")
