"""How validation scales, as ratios to a baseline measured in the same run.

Validation must be linear in the size of a case (issue 12): an issue of 10^6 options
validates in seconds, a long chain of ``requires`` stops at ``limits.MAX_DEPENDENCY_STEPS``.
Times are printed as multiples of a baseline (summing 10^5 floats in Python) so that
runs on loaded and quiet machines compare.

Run: ``python benchmarks/bench_limits.py``
"""

from __future__ import annotations

import time
import warnings

from mutualgains.model import Case, Issue, Party, Requires


def _seconds(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    baseline = min(_seconds(lambda: sum(float(k) for k in range(10**5))) for _ in range(5))
    print(f"baseline (sum of 10^5 floats): {baseline:.4f} s")
    for n in (10**4, 10**5, 10**6):
        options = [f"o{k}" for k in range(n)]
        scores = {"A": {"i": {o: k % 7 for k, o in enumerate(options)}},
                  "B": {"i": [k % 5 for k in range(n)]}}
        t = _seconds(lambda o=options, s=scores: Case([Party("A"), Party("B")], [Issue("i", o)], s))
        print(f"one issue of {n:>9,} options, two parties scored: {t / baseline:8.0f} x "
              f"baseline ({t:.2f} s)")
    for n in (200, 400, 800, 3000):
        issues = [Issue(f"i{k}", ["out", "in"]) for k in range(n)]
        chain = [Requires({f"i{k}": "in"}, {f"i{k + 1}": "in"}) for k in range(n - 1)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = _seconds(lambda i=issues, c=chain: Case([Party("A")], i, {}, requires=c))
        print(f"a chain of {n:>5} requires: {t / baseline:8.0f} x baseline ({t:.2f} s)")


if __name__ == "__main__":
    main()
