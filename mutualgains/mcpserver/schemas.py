"""The output schemas of the MCP tools: pydantic models of the results' ``to_dict()``.

Each model names the fields an assistant can rely on; further fields pass
through (``extra="allow"``), so a result that grows a field does not break a
call. The SDK publishes each as the tool's output schema and checks every result
against it.

Examples
--------
>>> from mutualgains.mcpserver.schemas import SolveOutput
>>> sorted(SolveOutput.model_json_schema()["required"])[:3]
['accepted', 'gains', 'gap']
"""

from __future__ import annotations

from typing import Any

try:
    from pydantic import BaseModel, ConfigDict, Field
except ImportError as err:  # pragma: no cover - depends on the environment
    raise ImportError('the MCP server needs the mcp package: pip install "mutualgains[mcp]"'
                      ) from err

__all__ = ["CaseOutput", "ExplainOutput", "FrontierOutput", "LearnOutput", "OffersOutput",
           "PhaseOutput", "ReviewOutput", "SolveOutput"]

Number = float | int
Package = dict[str, str]
PerParty = dict[str, Number | None]


class _Output(BaseModel):
    model_config = ConfigDict(extra="allow")


class PartyInfo(_Output):
    """A party of a case."""

    name: str
    batna: Number
    weight: Number
    veto: bool


class IssueInfo(_Output):
    """An issue and its options."""

    name: str
    options: list[str]


class CaseOutput(_Output):
    """What a case holds (``describe_case``).

    Examples
    --------
    >>> CaseOutput.model_json_schema()["title"]
    'CaseOutput'
    """

    name: str
    description: str
    parties: list[PartyInfo]
    issues: list[IssueInfo]
    decision_rule: str = Field(description="who must accept, in words")
    min_parties: int
    veto: list[str]
    margin: Number
    n_packages: int = Field(description="the number of packages (one option per issue)")
    dependencies: dict[str, int] = Field(description="how many requires, excludes, synergy "
                                                     "and precedes relations")
    has_phasing: bool
    scores: dict[str, dict[str, list[Number]]] = Field(
        description="party -> issue -> points per option, in option order")


class SolveOutput(_Output):
    """The best package for an objective (``solve``).

    Examples
    --------
    >>> "package" in SolveOutput.model_fields
    True
    """

    status: str = Field(description="optimal, feasible (gap), no_agreement, time_limit, error")
    objective: str
    objective_value: Number | None
    package: Package | None
    scores: PerParty
    gains: PerParty = Field(description="utility minus BATNA, per party")
    accepted: dict[str, bool]
    passes: bool | None
    solver: str
    seconds: float
    gap: Number | None
    message: str


class FrontierPointOutput(_Output):
    """One non-dominated utility vector and a package that attains it."""

    scores: PerParty
    gains: PerParty
    package: Package
    tied: bool | None


class FrontierOutput(_Output):
    """The exact Pareto frontier (``frontier``).

    Examples
    --------
    >>> "points" in FrontierOutput.model_fields
    True
    """

    status: str = Field(description="complete, limit, time_limit or no_agreement")
    parties: list[str]
    points: list[FrontierPointOutput]
    solver: str
    method: str
    solves: int
    seconds: float
    message: str


class ExplainOutput(_Output):
    """Why no deal exists, what would unlock one, and who rejects a package (``explain``).

    Examples
    --------
    >>> "blocking" in ExplainOutput.model_fields
    True
    """

    agreement: bool
    blocking: list[str] = Field(description="a minimal set of parties that can never all "
                                            "accept one package")
    largest: int
    coalitions: list[list[str]]
    needed: int
    veto: list[str]
    batna_moves: PerParty
    best_for: PerParty
    package: Package | None
    shortfalls: PerParty
    passes: bool | None
    text: str = Field(description="the explanation in words")


class OfferOutput(_Output):
    """One offer."""

    package: Package
    scores: PerParty
    gains: PerParty
    focus: Number


class OffersOutput(_Output):
    """Equivalent offers (``equivalent_offers``).

    Examples
    --------
    >>> "offers" in OffersOutput.model_fields
    True
    """

    status: str = Field(description="optimal, feasible, exhausted (fewer exist), no_agreement")
    party: str | None = Field(description="the party making the offers; null: the mediator")
    k: int
    tolerance: Number
    measure: str
    focus: str = Field(description="what is held equal: 'utility <party>' or 'joint gain'")
    diversity: Number | None = Field(description="the smallest pairwise difference")
    distances: list[list[Number]]
    offers: list[OfferOutput]
    method: str
    message: str


class LearnOutput(_Output):
    """A party's priorities learned from its reactions (``learn_priorities``).

    Examples
    --------
    >>> "next_question" in LearnOutput.model_fields
    True
    """

    party: str
    model: str
    status: str = Field(description="optimal (consistent) or infeasible (the reactions "
                                    "conflict)")
    consistent: bool
    conflict: list[str] = Field(description="an irreducible set of conflicting reactions")
    estimate: dict[str, Number] = Field(description="the Chebyshev centre: parameter -> value")
    ranges: dict[str, list[Number]] = Field(description="parameter -> [low, high]")
    scores: list[dict[str, Any]] = Field(description="issue, option, score (the centre's), "
                                                     "low, high")
    batna: Number | None
    batna_range: list[Number] | None
    constraints: list[dict[str, Any]] = Field(
        description="the consistent set: sum(terms[p] * p) >= rhs (or ==), case units")
    next_question: Package | None = Field(description="the package to ask about next")
    next_distance: Number | None
    answer_range: list[Number] | None
    message: str


class ReviewOutput(_Output):
    """A deal reviewed (``review_deal``).

    Examples
    --------
    >>> "improvements" in ReviewOutput.model_fields
    True
    """

    status: str
    package: Package
    passes: bool
    scores: PerParty
    gains: PerParty
    accepted: dict[str, bool]
    pareto_optimal: bool | None
    improved_package: Package | None
    left_on_table: PerParty
    most_for: PerParty = Field(description="the most each party could gain, nobody worse off")
    uniform_gain: Number | None = Field(description="the largest gain every party could have "
                                                    "at once")
    improvements: list[dict[str, Any]]
    improvements_status: str
    solutions: dict[str, dict[str, Any]]
    deal_values: PerParty
    trades: list[dict[str, Any]]
    message: str


class PhaseOutput(_Output):
    """A schedule of a package's projects (``phase``).

    Examples
    --------
    >>> "projects" in PhaseOutput.model_fields
    True
    """

    status: str
    discounted_value: Number | None
    gap: Number | None
    message: str
    periods: int
    projects: list[dict[str, Any]]
    spend: list[dict[str, Any]]
    cumulative_value: dict[str, list[Number | None]]
