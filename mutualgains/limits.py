"""The limits of mutualgains: how large an input may be, in one place.

Every input is bounded in the time and memory it can take before it is refused:
each limit below is checked *before* the work it bounds (a file's size before it
is read, a YAML document's size after alias expansion before it is built, a
phasing model's size before it is allocated), and every refusal names the limit
and the place, e.g. ``scores.Port.dredging.deep: must be at most 1e+09 in
absolute value (limits.MAX_MAGNITUDE) (got 1e+16)``.

Numbers
    :data:`MAX_MAGNITUDE` bounds every number of a case (scores, BATNAs, weights,
    caps, budgets, costs, bonuses, margin, rates). It is derived from the one
    tolerance (:data:`mutualgains.tolerance.TOLERANCE` = 1e-6, absolute on
    utilities) and from double precision: ``MAX_MAGNITUDE = TOLERANCE * 1e15``.
    A double carries 15.95 significant digits, so every value up to 1e9 is held
    to better than an eighth of the tolerance (the spacing of doubles near 1e9
    is 1.2e-7). The integer program stays solvable: its largest coefficient, the
    big-M of a k-of-n rule (threshold minus the party's lowest utility), is at
    most ``(2 + issues + synergies) * 1e9``, below HiGHS' ``large_matrix_value``
    (1e15, beyond which HiGHS refuses the model) for fewer than 999,998 issues
    and synergies together. Measured on the harbour example (4 of 5 parties)
    with one score raised: 1e14 solves exactly, 1e15 and 1e16 fail inside HiGHS
    (``SolverError: IndexError``).

Files (YAML, JSON, Excel, GENIUS XML, scorable games)
    :data:`MAX_FILE_BYTES` before reading (only regular files are read);
    :data:`MAX_DEPTH` nesting levels and :data:`MAX_NODES` (JSON) or
    :data:`MAX_YAML_NODES` values (YAML, aliases expanded, counted from the
    parser's events before anything is built); :data:`MAX_INT_DIGITS` digits in
    an integer; :data:`MAX_XML_DEPTH` and :data:`MAX_XML_ELEMENTS` for XML;
    :data:`MAX_WORKBOOK_BYTES` uncompressed and :data:`MAX_WORKBOOK_CELLS` for
    Excel workbooks.

Cases
    :data:`MAX_OPTIONS` options in all (validation is linear in them: 10^6 options
    in one issue validate in about 200 times the time of summing 10^5 floats, a
    second or two on a quiet machine), :data:`MAX_SCORE_CELLS` party and option
    pairs (the score matrix), :data:`MAX_DEPENDENCY_STEPS` steps of the search for
    options the dependencies rule out, :data:`MAX_PERIODS` phasing periods and
    :data:`MAX_PHASING_CELLS` for the phasing model (see
    :func:`mutualgains.phasing.instance.predicted_size`).

Examples
--------
>>> from mutualgains import limits
>>> limits.MAX_MAGNITUDE
1000000000.0
>>> limits.refusal("MAX_OPTIONS")
'at most 1,000,000 (limits.MAX_OPTIONS)'
"""

from __future__ import annotations

from mutualgains.tolerance import TOLERANCE

__all__ = [
    "MAX_DEPENDENCY_STEPS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_INT_DIGITS",
    "MAX_MAGNITUDE",
    "MAX_NODES",
    "MAX_OPTIONS",
    "MAX_PERIODS",
    "MAX_PHASING_CELLS",
    "MAX_SCORE_CELLS",
    "MAX_WORKBOOK_BYTES",
    "MAX_WORKBOOK_CELLS",
    "MAX_XML_DEPTH",
    "MAX_XML_ELEMENTS",
    "MAX_YAML_NODES",
    "refusal",
]

MAX_MAGNITUDE: float = TOLERANCE * 1e15
"""Largest absolute value of any number in a case (1e9; see the module text)."""

MAX_FILE_BYTES: int = 32 * 2**20
"""Largest case file (YAML, JSON, Excel, one GENIUS or scorable file) read, in bytes."""

MAX_DEPTH: int = 32
"""Deepest nesting of lists and mappings in a YAML or JSON case file (a case needs 6)."""

MAX_NODES: int = 5_000_000
"""Most values (scalars, lists, mappings) in a JSON case file."""

MAX_YAML_NODES: int = 1_000_000
"""Most values in a YAML case file, aliases expanded (PyYAML builds values about twenty
times slower than the standard library's JSON parser: a million take seconds)."""

MAX_INT_DIGITS: int = 4300
"""Most digits of an integer in a case file: Python's own limit for converting text
(``sys.get_int_max_str_digits()``, which bounds the quadratic time of the conversion)."""

MAX_XML_DEPTH: int = 64
"""Deepest nesting of XML elements in a GENIUS file (GENIUS files need 7)."""

MAX_XML_ELEMENTS: int = 100_000
"""Most XML elements in one GENIUS file (the largest ANAC profile has 344)."""

MAX_WORKBOOK_BYTES: int = 256 * 2**20
"""Largest uncompressed content of an Excel workbook (its XML parts together), in bytes."""

MAX_WORKBOOK_CELLS: int = 2_000_000
"""Most non-empty cells read from an Excel workbook, every sheet together."""

MAX_OPTIONS: int = 1_000_000
"""Most options in a case, all issues together."""

MAX_SCORE_CELLS: int = 20_000_000
"""Most scores in a case: parties times options (the score matrix holds 8 bytes each)."""

MAX_DEPENDENCY_STEPS: int = 250_000
"""Most steps of the search for options that the dependencies rule out (it follows chains
of ``requires`` from every option; beyond this it stops and says so, as its findings are
a help, not a proof: the solver is exact in any case)."""

MAX_PERIODS: int = 10_000
"""Most periods of a phasing horizon."""

MAX_PHASING_CELLS: int = 20_000_000
"""Most numbers the phasing model may hold: variables, non-zeros and the projects' time windows
(8 bytes each; see :func:`mutualgains.phasing.instance.predicted_size`)."""


def refusal(name: str, unit: str = "") -> str:
    """The words that name the limit ``name`` in a message: ``at most N [unit] (limits.NAME)``.

    Examples
    --------
    >>> refusal("MAX_PERIODS")
    'at most 10,000 (limits.MAX_PERIODS)'
    >>> refusal("MAX_MAGNITUDE", "in absolute value")
    'at most 1e+09 in absolute value (limits.MAX_MAGNITUDE)'
    """
    value = globals()[name]
    shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
    return f"at most {shown}{' ' + unit if unit else ''} (limits.{name})"
