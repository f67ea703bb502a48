"""The argument constraints of public functions that take a case or a package.

They complete the plain constraints of :mod:`mutualgains.params` with what
needs the model: ``case=`` must be a :class:`~mutualgains.model.case.Case`, a
package a mapping of issue -> option (or the option names in issue order).
Whether the issues and options exist in the case is checked in the function
body (it needs the case).

Examples
--------
>>> from mutualgains.params import validated
>>> @validated(case=CASE)
... def size(case):
...     return case.n_packages
>>> size({"parties": {}})
Traceback (most recent call last):
...
mutualgains.errors.UsageError: size: case must be a Case (got {'parties': {}})
"""

from __future__ import annotations

from collections.abc import Mapping

from mutualgains.model.case import Case
from mutualgains.params import AnyOf, Instance, Names

__all__ = ["CASE", "PACKAGE"]

CASE = Instance(Case)
"""``case=``: a :class:`~mutualgains.model.case.Case`."""

PACKAGE = AnyOf((Instance(Mapping, label="a mapping of issue -> option"),
                 Names(min_length=1)))
"""A package: a mapping of issue -> option, or the option names in issue order.

Examples
--------
>>> PACKAGE.accepts({"loan": "none"}), PACKAGE.accepts(["x", "u"]), PACKAGE.accepts("x")
(True, True, False)
"""
