"""Built-in example cases, shipped with the package.

``harbour``
    A five-party harbour redevelopment (numbers written for mutualgains, in the
    style of the Harborco teaching game): 5 issues, 432 packages, a 4-of-5
    decision rule with two veto parties.
``regional``
    A six-party regional water, nature and housing programme: 16 projects and
    a cost-sharing issue, with precedence and phasing data (10 periods, budget
    55 a period, 80 % carry-over, 5 % discount) for :func:`mutualgains.phase`.

Examples
--------
>>> from mutualgains.io.examples import load_example, EXAMPLES
>>> sorted(EXAMPLES)
['harbour', 'regional']
>>> load_example("harbour")
<Case 'Harbour Sport Park': 5 parties, 5 issues, 432 packages, 4 of 5, veto Port, City>
"""

from __future__ import annotations

from importlib import resources

from mutualgains.model import Case
from mutualgains.params import Choice, validated

__all__ = ["EXAMPLES", "load_example"]

EXAMPLES: dict[str, str] = {
    "harbour": "harbour.yaml",
    "regional": "regional.yaml",
}
"""Example name -> file in ``mutualgains/data``."""


@validated(name=Choice(tuple(EXAMPLES)))
def load_example(name: str) -> Case:
    """Load the built-in example case ``name`` (see :data:`EXAMPLES`).

    Examples
    --------
    >>> load_example("harbour").party_names[:2]
    ('Port', 'City')
    """
    from mutualgains.io.casefile import read_text
    from mutualgains.model.convert import case_from_dict

    ref = resources.files("mutualgains") / "data" / EXAMPLES[name]
    with resources.as_file(ref) as path:
        return case_from_dict(read_text(path))
