"""Print the accuracy table: largest relative error per case vs mpmath.

Runs ``tests/test_exact_accuracy.py`` (mpmath references at 80 digits, exact
interpretation of the input floats) and prints the ``MEASURED`` errors it
records as a markdown table.  Usage, from the repository root::

    python benchmarks/accuracy_table.py
"""

import sys

import pytest


def main() -> int:
    rc = pytest.main(["-q", "-p", "no:cacheprovider", "tests/test_exact_accuracy.py"])
    mod = next(m for name, m in sys.modules.items() if name.endswith("test_exact_accuracy"))
    print("\n| case | max relative error |\n|:--|--:|")
    for case, err in sorted(mod.MEASURED.items()):
        print(f"| {case} | {float(err):.1e} |")
    return int(rc)


if __name__ == "__main__":
    sys.exit(main())
