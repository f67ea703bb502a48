"""Plain-text and HTML renderings of cases and results (for terminals and notebooks).

Names come from files other people send: every piece of text that reaches HTML
is escaped here (:func:`html_table`, :func:`frame_html`, :func:`block_html`), and
every ``_repr_html_`` of the package is built from these functions only.

Examples
--------
>>> from mutualgains import solve
>>> from mutualgains.io.examples import load_example
>>> text = result_text(solve(load_example("harbour")))
>>> text.splitlines()[0]
'Harbour Sport Park: joint, optimal, value 114'
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from mutualgains.model import Case
    from mutualgains.results import SolveResult

__all__ = ["block_html", "case_html", "format_number", "frame_html", "html_table", "result_html",
           "result_text", "text_table"]


def format_number(value: object) -> str:
    """Short rendering: integers without decimals, floats with up to 6 significant digits.

    Examples
    --------
    >>> format_number(3.0), format_number(0.2727272), format_number(None), format_number(True)
    ('3', '0.272727', '-', 'yes')
    """
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6g}"
    return str(value)


def text_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A fixed-width table; numbers right-aligned.

    Examples
    --------
    >>> print(text_table(["party", "gain"], [["A", 1.5], ["Bee", 10]]))
    party  gain
    A       1.5
    Bee      10
    """
    cells = [[format_number(c) for c in row] for row in rows]
    numeric = [all(isinstance(r[k], int | float) and not isinstance(r[k], bool) for r in rows)
               if rows else False for k in range(len(header))]
    widths = [max([len(h)] + [len(r[k]) for r in cells]) for k, h in enumerate(header)]

    def line(items: Sequence[str]) -> str:
        out = [s.rjust(w) if num else s.ljust(w) for s, w, num in zip(items, widths, numeric,
                                                                       strict=True)]
        return "  ".join(out).rstrip()

    return "\n".join([line(header), *(line(r) for r in cells)])


def _headline(result: SolveResult) -> str:
    text = f"{result.case_name or 'case'}: {result.objective}, {result.status.value}"
    if result.objective_value is not None:
        text += f", value {format_number(result.objective_value)}"
    if result.gap:
        text += f", gap {result.gap:.3g}"
    return text


def result_text(result: SolveResult) -> str:
    """A readable report: headline, the package, and per party score, BATNA, gain, accepted.

    Examples
    --------
    >>> from mutualgains import solve
    >>> from mutualgains.io.examples import load_example
    >>> print(result_text(solve(load_example("harbour"))).splitlines()[3])
    infrastructure  water and land
    """
    lines = [_headline(result)]
    if result.message:
        lines.append(f"note: {result.message}")
    if result.package is not None:
        lines += ["", text_table(["issue", "option"], [[i, o] for i, o in result.package.items()])]
        rows = [[p, result.scores[p], result.batnas[p], result.gains[p], result.accepted[p],
                 result.veto[p]] for p in result.batnas]
        lines += ["", text_table(["party", "score", "BATNA", "gain", "accepted", "veto"], rows)]
    lines.append("")
    lines.append(f"solver {result.solver}, {result.seconds:.3f} s")
    return "\n".join(lines)


def html_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An HTML table; every header and cell is escaped.

    Examples
    --------
    >>> html_table(["party"], [["<b>A</b>"]])
    '<table><thead><tr><th>party</th></tr></thead><tbody><tr><td>&lt;b&gt;A&lt;/b&gt;</td></tr></tbody></table>'
    """
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(format_number(c))}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def frame_html(frame: pd.DataFrame, *, index: bool = True) -> str:
    """A DataFrame as an HTML table (:func:`html_table`): every label and cell escaped.

    Examples
    --------
    >>> import pandas as pd
    >>> frame_html(pd.DataFrame({"<i>party</i>": ["<b>A</b>"]}), index=False)
    '<table><thead><tr><th>&lt;i&gt;party&lt;/i&gt;</th></tr></thead><tbody><tr><td>&lt;b&gt;A&lt;/b&gt;</td></tr></tbody></table>'
    """
    header = [str(c) for c in frame.columns]
    rows = frame.values.tolist()
    if index:
        header = [str(frame.index.name or ""), *header]
        rows = [[label, *row] for label, row in zip(frame.index, rows, strict=True)]
    return html_table(header, rows)


def block_html(text: str, *tables: str, bold: bool = True) -> str:
    """``text`` (escaped; one line break per line) above ready-made HTML tables, in a div.

    Examples
    --------
    >>> block_html("Frontier <b>", "<table></table>")
    '<div><p><b>Frontier &lt;b&gt;</b></p><table></table></div>'
    """
    body = "<br>".join(html.escape(line) for line in text.splitlines())
    if bold:
        body = f"<b>{body}</b>"
    return f"<div><p>{body}</p>{''.join(tables)}</div>"


def result_html(result: SolveResult) -> str:
    """Compact HTML for notebooks.

    Examples
    --------
    >>> from mutualgains import solve
    >>> from mutualgains.io.examples import load_example
    >>> result_html(solve(load_example("harbour"))).count("<table>")
    2
    """
    parts = [f"<p><b>{html.escape(_headline(result))}</b></p>"]
    if result.message:
        parts.append(f"<p><i>{html.escape(result.message)}</i></p>")
    if result.package is not None:
        parts.append(html_table(["issue", "option"], [[i, o] for i, o in result.package.items()]))
        rows = [[p, result.scores[p], result.batnas[p], result.gains[p], result.accepted[p]]
                for p in result.batnas]
        parts.append(html_table(["party", "score", "BATNA", "gain", "accepted"], rows))
    return "<div>" + "".join(parts) + "</div>"


def case_html(case: Case) -> str:
    """Compact HTML for a case: parties with BATNAs and the issues with options.

    Examples
    --------
    >>> from mutualgains.io.examples import load_example
    >>> case_html(load_example("harbour")).startswith("<div><p><b>&lt;Case")
    True
    """
    parties = html_table(["party", "BATNA", "weight", "veto"],
                          [[p.name, p.batna, p.weight, p.veto] for p in case.parties])
    issues = html_table(["issue", "options"],
                         [[i.name, ", ".join(i.options)] for i in case.issues])
    title = html.escape(repr(case))
    return f"<div><p><b>{title}</b></p>{parties}{issues}</div>"
