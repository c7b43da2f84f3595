"""Regenerate the letter tables ``<text>_letters.csv`` from the bundled texts.

Run from anywhere (it writes next to itself)::

    python -m infokit.data.make_letters          # or: python src/infokit/data/make_letters.py

Normalisation: the text is lowercased, apostrophes are dropped inside words
("Nature's" -> "natures"), and every other run of characters outside a-z is
one word boundary.  Each letter of the normalised text is one row:

``letter``       the letter, a-z;
``next``         the following character of the normalised text: a letter, or
                 ``_`` at a word boundary (including after the last word);
``word_length``  the length of the word the letter belongs to.

The script uses the standard library only, so that the CSVs can be rebuilt
without infokit's optional dependencies.

>>> rows(normalise_words("It's a self-evident truth."))[:3]
[('i', 't', 3), ('t', 's', 3), ('s', '_', 3)]
>>> normalise_words("It's a self-evident truth.")
['its', 'a', 'self', 'evident', 'truth']
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Text file stem -> CSV file name.
TEXTS = {
    "gettysburg": "gettysburg_letters.csv",
    "declaration": "declaration_letters.csv",
}

BOUNDARY = "_"


def normalise_words(text: str) -> list[str]:
    """Lowercased words of a-z letters (apostrophes dropped, other non-letters split words)."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    return [w for w in re.split(r"[^a-z]+", text) if w]


def rows(words: list[str]) -> list[tuple[str, str, int]]:
    """One ``(letter, next, word_length)`` row per letter of ``words``."""
    out = []
    for w in words:
        for i, ch in enumerate(w):
            nxt = w[i + 1] if i + 1 < len(w) else BOUNDARY
            out.append((ch, nxt, len(w)))
    return out


def write_csv(text_path: Path, csv_path: Path) -> int:
    """Write the letter table of ``text_path`` to ``csv_path``; returns the number of rows."""
    table = rows(normalise_words(text_path.read_text(encoding="utf-8")))
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["letter", "next", "word_length"])
        w.writerows(table)
    return len(table)


def main(argv=None) -> int:  # pragma: no cover - exercised by regenerating the data
    for stem, name in TEXTS.items():
        n = write_csv(HERE / f"{stem}.txt", HERE / name)
        print(f"{name}: {n} letters")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
