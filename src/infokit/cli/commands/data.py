"""``infokit data [NAME]``: the bundled example files, or the path of one."""

from __future__ import annotations

from infokit._lib.optional import require
from infokit.cli import COMMANDS
from infokit.cli._options import format_option
from infokit.cli._report import Report, Section, finish

click = require("click", "the command line")

_DESCRIPTIONS = {
    "declaration_letters.csv": "one row per letter of the Declaration of Independence's opening (1776)",
    "gettysburg_letters.csv": "one row per letter of the Gettysburg Address, Bliss copy (1863)",
    "declaration.txt": "the text: Declaration of Independence, first two paragraphs",
    "gettysburg.txt": "the text: Gettysburg Address, Bliss copy",
    "README.txt": "sources, columns (letter, next, word_length) and normalisation",
}


@click.command("data", short_help=COMMANDS["data"].summary)
@click.argument("name", required=False)
@format_option
def command(name, fmt):
    """The bundled example files, or the path of one (NAME), for use in other commands.

    \b
    Example:
      infokit entropy "$(infokit data declaration_letters.csv)" --column letter
    """
    from infokit.demo import DATA_FILES, data_path

    if name is not None:
        click.echo(str(data_path(name)))
        return
    rows = [[f, _DESCRIPTIONS.get(f, ""), str(data_path(f))] for f in DATA_FILES]
    payload = {"command": "data", "files": [dict(zip(["name", "description", "path"], r)) for r in rows]}
    notes = []
    for f, desc, path in rows:
        notes += [f"{f}: {desc}", f"    {path}"]
    section = Section("Bundled example data (public-domain texts; see README.txt)", [], [], notes)
    finish(Report(payload, [section], ["name", "description", "path"], rows), fmt)
