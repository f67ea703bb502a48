"""Reading and writing cases, one module (or subpackage) per format.

:mod:`~mutualgains.io.casefile` (YAML and JSON files, and ``load_case``, which
reads any format by its suffix or folder), :mod:`~mutualgains.io.frames`
(pandas DataFrames), :mod:`~mutualgains.io.excel` (workbooks),
:mod:`~mutualgains.io.genius` (GENIUS / ANAC XML domains),
:mod:`~mutualgains.io.scorable` (Harborco-style scorable games) and
:mod:`~mutualgains.io.examples` (the built-in examples).
"""

__all__: list[str] = []
