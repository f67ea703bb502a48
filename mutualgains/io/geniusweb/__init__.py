"""GeniusWeb negotiation domains and profiles (JSON), read as cases and written from them.

A GeniusWeb folder holds a *domain file* (top-level keys ``name`` and ``issuesValues``)
and one *profile* per party (top-level key ``LinearAdditiveUtilitySpace``), each profile
embedding the whole domain under ``domain``. The semantics below are GeniusWeb's, as
confirmed from its sources (GeniusWeb Python core 1.2.1: ``LinearAdditiveUtilitySpace``,
``DiscreteValueSetUtilities``, ``NumberValueSetUtilities``, ``Domain``, ``Bid``; the
GeniusWeb technical wiki) and recorded in the shared test data's ``SOURCES.md``
(``../shared/cases/geniusweb/SOURCES.md``).

Reading (:func:`read_geniusweb`, and :func:`mutualgains.load_case` on a folder or a profile file)
    * Files: in a folder, every ``.json`` file is read: at most one domain file, at least
      one profile; a ``.json`` file that is neither is an error naming it. Files with other
      suffixes and subfolders are ignored. A single profile file is a case on its own
      (its embedded domain is the domain). Profiles must embed the domain, and it must be
      the folder's domain file when there is one (same name, issues and values). Each
      profile becomes a party named after the file stem (parties in file-name order);
      the case is named after the domain.
    * Issues: a discrete issue ``{"values": [...]}`` has those strings as options; a
      number issue ``{"range": [low, high, step]}`` (or ``{"range": {"low": .., "high":
      .., "step": ..}}``; numbers or numbers written as strings) has the values ``low,
      low + step, ...`` up to ``high`` as options, named by their plain decimal rendering.
    * Utilities: the utility of a package is ``sum_i w_i * v_i(value)``, weights and value
      utilities *as written* (GeniusWeb does not rescale them, so the best package need
      not reach 1). Both spellings of the utilities are read: ``discreteutils`` /
      ``DiscreteValueSetUtilities`` (``{"valueUtilities": {value: u}}``) and
      ``numberutils`` / ``NumberValueSetUtilities`` (``lowValue, lowUtility, highValue,
      highUtility``: one straight line; a value's utility is ``lowUtility + (highUtility -
      lowUtility) * (x - lowValue) / (highValue - lowValue)`` rounded half up to 8
      decimals, exactly as GeniusWeb computes it in decimal arithmetic; GeniusWeb gives 0
      outside ``[lowValue, highValue]``, which never happens here because those must be
      the range's bounds). Numbers are read as decimals; the score of an option is the
      float nearest the exact decimal product ``w_i * v_i``.
    * Checks, as GeniusWeb's constructors make them: the weights must sum to *exactly* 1
      in decimal arithmetic (GeniusWeb refuses other profiles; so does this reader: it
      never renormalises); weights and value utilities lie in [0, 1]; ``issueUtilities``
      and ``issueWeights`` name exactly the domain's issues; a discrete issue's utilities
      give exactly the domain's values; ``lowValue``/``highValue`` are the range's bounds
      and ``highValue > lowValue``; names start with a-z, A-Z or 0-9. Unknown keys are
      errors.
    * Reservation: ``reservationBid`` ``{"issuevalues": {issue: value}}`` (discrete values
      as strings, number values as numbers) is the least acceptable bid, so the party's
      BATNA is its utility (an issue the bid leaves out contributes 0, as in GeniusWeb);
      absent or ``null``: no reservation bid, any agreement beats none, BATNA 0.

Safety: a file larger than 8 MiB, or nesting deeper than 32 levels, is refused before it
is parsed; a folder's ``.json`` files may hold 64 MiB together; numbers are exact
decimals (no overflow; ``NaN`` and ``Infinity`` are refused), duplicate keys are refused,
a UTF-8 byte-order mark is accepted; number ranges are bounded (100,000 values per issue,
1,000,000 in all, bounds within 10^15). Every failure is a
:class:`~mutualgains.errors.CaseError` naming the file and the JSON key path
(``profileA.json#LinearAdditiveUtilitySpace.issueWeights.issueA``).

Writing (:func:`write_geniusweb`): see :mod:`mutualgains.io.geniusweb.writer`.

Examples
--------
>>> import json, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> domain = {"name": "car", "issuesValues": {"price": {"range": ["10", "30", "10"]},
...                                          "colour": {"values": ["red", "grey"]}}}
>>> _ = (folder / "dealer.json").write_text(json.dumps({"LinearAdditiveUtilitySpace": {
...     "domain": domain, "name": "dealer",
...     "issueUtilities": {
...         "price": {"numberutils": {"lowValue": 10, "lowUtility": 0.2, "highValue": 30,
...                                   "highUtility": 1}},
...         "colour": {"DiscreteValueSetUtilities": {"valueUtilities": {"red": 1, "grey": 0}}}},
...     "issueWeights": {"price": 0.75, "colour": 0.25},
...     "reservationBid": {"issuevalues": {"price": 20, "colour": "grey"}}}}))
>>> case = read_geniusweb(folder)
>>> case.issue("price").options
('10', '20', '30')
>>> case.party("dealer").batna  # 0.75 * 0.6 + 0.25 * 0
0.45
>>> case.utilities({"price": "30", "colour": "red"})
{'dealer': 1.0}
"""

from mutualgains.io.geniusweb.reader import SOURCE, file_kind, is_geniusweb, read_geniusweb
from mutualgains.io.geniusweb.writer import write_geniusweb

__all__ = ["SOURCE", "file_kind", "is_geniusweb", "read_geniusweb", "write_geniusweb"]
