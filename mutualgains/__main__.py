"""``python -m mutualgains``: the command line."""

import sys

from mutualgains.cli.main import main

sys.exit(main())
