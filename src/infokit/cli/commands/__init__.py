"""One module per ``infokit`` command, each defining ``command`` (imported on demand, see :data:`infokit.cli.COMMANDS`)."""
