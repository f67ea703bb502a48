"""Reading and writing cases: YAML/JSON files, DataFrames, scorable games, GENIUS XML.

Examples
--------
>>> from mutualgains.io import load_case
>>> callable(load_case)
True
"""

from mutualgains.io.casefile import load_case, save_case

__all__ = ["load_case", "save_case"]
