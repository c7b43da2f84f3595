"""``python -m infokit.cli``: the command line."""

import sys

from infokit.cli import main

sys.exit(main())
