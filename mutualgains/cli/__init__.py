"""The ``mutualgains`` command line: one module per command, wired in
:mod:`mutualgains.cli.main`."""

from mutualgains.cli.main import main

__all__ = ["main"]
