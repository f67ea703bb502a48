"""Reading and writing cases, one module (or subpackage) per format.

:mod:`~mutualgains.io.casefile` (YAML and JSON files, and ``load_case``, which
reads any format by its suffix or folder), :mod:`~mutualgains.io.frames`
(pandas DataFrames), :mod:`~mutualgains.io.excel` (workbooks),
:mod:`~mutualgains.io.genius` (GENIUS / ANAC XML domains, read and written),
:mod:`~mutualgains.io.geniusweb` (GeniusWeb / ANL JSON domains, read and written),
:mod:`~mutualgains.io.negmas` (a case as a NegMAS scenario),
:mod:`~mutualgains.io.export` (what those formats cannot express, the utility maps),
:mod:`~mutualgains.io.scorable` (Harborco-style scorable games) and
:mod:`~mutualgains.io.examples` (the built-in examples).
"""

__all__: list[str] = []
