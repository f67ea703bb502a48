"""The one numerical tolerance of mutualgains.

Scores are real numbers and solvers work in floating point, so every comparison
that decides a result uses this single tolerance:

- a party accepts a package when its utility is at least its threshold
  (BATNA plus margin) minus ``TOLERANCE``;
- two objective values are equal when they differ by at most
  ``TOLERANCE * max(1, |value|)``;
- the Nash product of a returned package is proven optimal to within a
  relative ``TOLERANCE`` (an absolute ``TOLERANCE`` on the sum of logs).

Examples
--------
>>> from mutualgains.tolerance import TOLERANCE, close
>>> TOLERANCE
1e-06
>>> close(1.0, 1.0 + 1e-9)
True
"""

from __future__ import annotations

__all__ = ["TOLERANCE", "close"]

TOLERANCE: float = 1e-6


def close(a: float, b: float, tol: float = TOLERANCE) -> bool:
    """Whether ``a`` and ``b`` are equal within ``tol`` (relative above 1, else absolute).

    Examples
    --------
    >>> close(1000.0, 1000.0005)
    True
    >>> close(0.0, 2e-6)
    False
    """
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))
