"""Sphinx configuration of infokit's documentation.

Why Sphinx: infokit's docstrings are numpydoc style, and Sphinx with numpydoc,
sphinx-gallery and the PyData theme is what the scientific Python projects
infokit sits next to (NumPy, SciPy, scikit-learn) use, so the reference reads
like theirs and cross-links to theirs (intersphinx).  Every code block runs at
build time: the gallery scripts (sphinx-gallery), the ``.. ipython::`` blocks
of the guides and how-tos, and the ``.. program-output::`` command lines, so
the numbers and the command-line output shown are those of the current code.
"""

from __future__ import annotations

import os
import stat
import sys
import warnings
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
SRC = ROOT / "src"

# Document the working tree's sources, in this process and in the commands the
# pages run (``infokit ...`` through ``program-output``).
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(DOCS / "tools"))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
os.environ.setdefault("MPLBACKEND", "Agg")
# Rich (the command line's tables) formats for a terminal this wide, without colour.
os.environ["COLUMNS"] = "118"
os.environ["NO_COLOR"] = "1"
os.environ["TERM"] = "dumb"

# Where the pages' code writes its files (Parquet files of the drift how-to, reports).
WORK = DOCS / "_build" / "work"
WORK.mkdir(parents=True, exist_ok=True)
os.environ["INFOKIT_DOCS_WORK"] = str(WORK)

# ``infokit`` on PATH for the command lines shown, run by the interpreter building the docs.
_bin = DOCS / "_build" / "bin"
_bin.mkdir(parents=True, exist_ok=True)
_shim = _bin / "infokit"
_shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m infokit "$@"\n')
_shim.chmod(_shim.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
os.environ["PATH"] = os.pathsep.join([str(_bin), os.environ.get("PATH", "")])

import infokit  # noqa: E402

import apipages  # noqa: E402  (docs/tools/apipages.py: writes api/*.rst from the modules' __all__)

apipages.write(DOCS / "api")

project = "infokit"
author = "infokit contributors"
copyright = "infokit contributors"
release = infokit.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "IPython.sphinxext.ipython_directive",
    "IPython.sphinxext.ipython_console_highlighting",
    "sphinxcontrib.programoutput",
    "sphinx_copybutton",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "README.md", "examples/README.rst", "**/GALLERY_HEADER.rst"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
default_role = "code"

# -- autodoc / autosummary / numpydoc ---------------------------------------
# The reference pages written above, listed explicitly: an incremental build then also
# generates the stubs of a page that is new since the last build.
autosummary_generate = sorted(f"api/{p.name}" for p in (DOCS / "api").glob("*.rst"))
autosummary_imported_members = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# -- intersphinx --------------------------------------------------------------
# Offline by default (the docs build runs in CI without network); set
# INFOKIT_DOCS_INTERSPHINX=1 to link NumPy, SciPy, pandas and matplotlib.
intersphinx_mapping = {}
if os.environ.get("INFOKIT_DOCS_INTERSPHINX") == "1":
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable/", None),
        "scipy": ("https://docs.scipy.org/doc/scipy/", None),
        "pandas": ("https://pandas.pydata.org/docs/", None),
        "matplotlib": ("https://matplotlib.org/stable/", None),
    }

# -- executed code ------------------------------------------------------------
ipython_warning_is_error = True
ipython_savefig_dir = str(DOCS / "_build" / "ipython_savefig")
ipython_execlines = ["import numpy as np", "import infokit as ik", "np.set_printoptions(legacy=\"1.25\")"]
programoutput_use_ansi = False

sphinx_gallery_conf = {
    "examples_dirs": ["examples"],
    "gallery_dirs": ["gallery"],
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "only_warn_on_example_error": False,
    "abort_on_example_error": False,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "doc_module": ("infokit",),
    "backreferences_dir": None,
    "show_memory": False,
    "min_reported_time": 10,
}

warnings.filterwarnings("ignore", message="Matplotlib is currently using agg")
# ``infokit.drift`` is a callable module: numpydoc, reading its module docstring as a
# function's, does not know the reST section "Each row of the result" (rendered as written).
warnings.filterwarnings("ignore", message="Unknown section Each Row Of The Result", category=UserWarning)

# -- HTML ---------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"infokit {release}"
html_static_path = ["_static"]
html_css_files = ["infokit.css"]
html_show_sourcelink = False
html_theme_options = {
    "navigation_depth": 3,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "navbar_align": "left",
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "gallery/index": []}
