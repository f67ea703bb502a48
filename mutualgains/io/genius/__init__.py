"""GENIUS / ANAC negotiation domains (XML), read as cases.

A GENIUS domain folder holds one *domain file* (root tag
``<negotiation_template>``: the issues and their values) and one *utility
profile* per party (root tag ``<utility_space>``). Files are recognised by
their root tag, not by their name. Each profile becomes a party named after the
file stem.

Nothing in the folder is skipped without a word: every other entry is an error
naming it (an ``.xml`` file that is random bytes or has another root tag would
otherwise lose its party), except the short list of :data:`IGNORED` extras:
GENIUS' own ``pareto.xml`` (the Pareto frontier some folders carry, often not
XML at all) and any ``.xml`` file whose root tag is ``<pareto>``, text notes
(``*.txt``), and the notes every case folder may hold
(:data:`mutualgains.io.files.NOTES`: ``README*``, ``LICENSE*``, ``COPYING*``,
``*.md``, hidden files).

Issues and options
    Issues are taken from the domain file in the order of their ``index``
    attribute. A discrete issue's options are its items' ``value`` strings; an
    integer issue ``lowerbound..upperbound`` has the options ``"lb"``, ...,
    ``"ub"``.

Linear additive profiles (``AdditiveUtilitySpace`` in GENIUS)
    The utility of a package is ``sum_i w_i * v_i(o_i)`` where

    * the weights ``w_i`` of the ``<weight index=..>`` elements are normalised
      to sum to 1 (a weight whose index is an objective, not an issue, is
      ignored, as GENIUS ignores objective evaluators);
    * a discrete value's utility is its ``evaluation`` divided by the largest
      evaluation of that issue in that profile (``EvaluatorDiscrete.normalize``;
      when that largest evaluation is below 1e-5 every value scores 0, as in
      GENIUS). When a profile lists the same value twice the later one wins, as
      GENIUS stores evaluations in a hash map (``Genius-AMPOvsCity`` does this);
    * an integer issue with ``<evaluator ftype="linear" slope=.. offset=..>``
      has the value utility ``clip(offset + slope * (x - lowerbound), 0, 1)``.
      This is GENIUS' ``EvaluatorInteger.getEvaluation(int)``: it calls
      ``EVALFUNCTYPE.evalLinear(value - lowerBound, slope, offset)``, which is
      ``slope * x + offset``, and clamps the result below at 0 and above at 1
      (``genius.core.utility.EvaluatorInteger`` and
      ``genius.core.utility.EVALFUNCTYPE`` in GENIUS 10.x; the older
      ``negotiator.utility`` classes are the same). The files agree: their
      slopes run the issue from ``offset`` at the lower bound to the other
      end of [0, 1] at the upper bound.

    The score of a party for option ``o`` of issue ``i`` is
    ``w_i * v_i(o)``; no utility exceeds 1.

Nonlinear profiles (``<utility_space type="nonlinear">``, ANAC 2014 and ``S-1*``)
    The utility is ``min(1, sum of the utility of every satisfied
    <hyperRectangle> / maxutility)`` (GENIUS ``NonlinearUtilitySpace``). A
    rectangle of ``INCLUDES`` bounds is satisfied when every listed issue
    value lies in its ``[min, max]``; it becomes a
    :class:`~mutualgains.model.relations.Synergy` whose condition lists the
    options in range, issues whose range covers all their options being left
    out (a rectangle with no issue left, or with no bound at all, is a
    constant, added to the party's scores on the first issue). A rectangle of
    ``EXCLUDES`` bounds is satisfied when at least one listed value lies
    outside its range: it equals its constant utility minus the ``INCLUDES``
    rectangle of the same ranges, and is compiled that way (a constant plus a
    synergy with a negative bonus). Rectangles with identical conditions, in
    one profile or in several, share one synergy with a bonus per party.
    Nonlinear parties get ``Party(cap=1)``. Bound ``index`` attributes refer to
    the issues' ``index`` attributes; a range reaching past an issue's bounds
    is cut to them, and two bounds on one issue must both hold. A rectangle's
    optional ``weight`` multiplies its utility, as in GENIUS.

Reservation values and discounting
    ``<reservation value=..>`` (on the normalised [0, 1] scale) becomes the
    party's BATNA; without it the BATNA is 0. ``<discount_factor>`` is time
    discounting for bilateral protocols and is ignored: a package is valued as
    if agreed at once.

Departure from GENIUS: GENIUS 10.x does not normalise weights read from a
file (``AdditiveUtilitySpace.loadTreeRecursive`` keeps them as written and
``getUtility`` caps the sum at 1). This reader normalises them, as the
shared data's SOURCES.md prescribes, so every linear profile's best package
has utility exactly 1. The two agree wherever the weights sum to 1, which is
all but a handful of the ANAC profiles.

Safety: every ``.xml`` file in the folder is refused (:class:`CaseError`
naming the file) when it contains a ``DOCTYPE`` or ``ENTITY`` declaration,
before anything is parsed, so entity-expansion ("billion laughs") and external
entity attacks never reach the parser; the parser (the standard library's
expat) refuses such declarations again should one slip past the scan. Files
are read only when regular and at most :data:`mutualgains.limits.MAX_FILE_BYTES`
long; elements are nested at most :data:`mutualgains.limits.MAX_XML_DEPTH`
deep and counted up to :data:`mutualgains.limits.MAX_XML_ELEMENTS`.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "lunch"
>>> folder.mkdir()
>>> _ = (folder / "lunch-domain.xml").write_text('''<negotiation_template>
... <utility_space><objective index="0" name="lunch">
...   <issue index="1" name="food" type="discrete">
...     <item index="1" value="soup"/><item index="2" value="salad"/></issue>
...   <issue index="2" name="minutes" type="integer" lowerbound="1" upperbound="3"/>
... </objective></utility_space></negotiation_template>''')
>>> _ = (folder / "ann.xml").write_text('''<utility_space><objective index="0">
...   <issue index="1" name="food" type="discrete">
...     <item value="soup" evaluation="4"/><item value="salad" evaluation="2"/></issue>
...   <issue index="2" name="minutes" type="integer" lowerbound="1" upperbound="3">
...     <evaluator ftype="linear" slope="-0.5" offset="1"/></issue>
...   <weight index="1" value="3"/><weight index="2" value="1"/>
... </objective><reservation value="0.5"/></utility_space>''')
>>> _ = (folder / "bob.xml").write_text('''<utility_space type="nonlinear">
... <objective index="0"><utility maxutility="10"><ufun aggregation="sum">
...   <hyperRectangle utility="6"><INCLUDES index="2" min="3" max="3"/></hyperRectangle>
...   <hyperRectangle utility="8"><INCLUDES index="2" min="2" max="3"/></hyperRectangle>
... </ufun></utility></objective></utility_space>''')
>>> is_genius(folder)
True
>>> case = read_genius(folder)
>>> case
<Case 'lunch': 2 parties, 2 issues, 6 packages, unanimity>
>>> case.issue("minutes").options
('1', '2', '3')
>>> case.party("ann").batna, case.party("bob").cap
(0.5, 1)
>>> case.utilities({"food": "soup", "minutes": "1"})
{'ann': 1.0, 'bob': 0.0}
>>> case.utilities({"food": "salad", "minutes": "3"})  # bob: min(1, 14 / 10)
{'ann': 0.375, 'bob': 1}
"""

from mutualgains.io.genius.reader import (
    DOMAIN_ROOT,
    IGNORED,
    PROFILE_ROOT,
    SOURCE,
    is_genius,
    read_genius,
)

__all__ = ["DOMAIN_ROOT", "IGNORED", "PROFILE_ROOT", "SOURCE", "is_genius", "read_genius"]
