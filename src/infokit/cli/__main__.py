"""``python -m infokit.cli``: the command line."""

from infokit.cli import main

main()
