"""Write the API reference pages (``docs/api/*.rst``) from the public modules' ``__all__``.

Run by ``conf.py`` at every build, so that the reference lists exactly the
public names of the code being documented.  Every object gets one page, under
the name users reach it by: ``infokit.<name>`` for the names of
``infokit.__all__``, otherwise ``infokit.<module>.<name>`` of the first public
module below that exports it; the other modules' tables link to that page.
"""

from __future__ import annotations

import importlib
import inspect
import types
from pathlib import Path

import infokit

#: The public modules, in the order of the user guide, with a title each.
MODULES = {
    "exact": "Exact measures of distributions",
    "categorical": "Distributions in log space",
    "decompose": "Per-outcome decomposition",
    "empirical": "The empirical distribution",
    "estimators": "Estimates with uncertainty",
    "models": "Data under a model",
    "parametric": "Parametric distributions",
    "continuous": "Continuous samples",
    "binning": "Bins",
    "lm": "Language models",
    "io": "Files and Dask",
    "drift": "Drift",
    "reports": "HTML reports",
    "plot": "Plots",
    "errors": "Errors and warnings",
    "demo": "Bundled data and the demo",
}

#: Public modules with no reference page: the command line is documented by its ``--help``,
#: shown in the user guide, and ``infokit.data`` only holds the bundled files.
NOT_IN_REFERENCE = {"cli", "data"}


def _kind(obj) -> str:
    if isinstance(obj, types.ModuleType):
        return "module"
    if inspect.isclass(obj):
        if issubclass(obj, Warning):
            return "warning"
        if issubclass(obj, BaseException):
            return "exception"
        return "class"
    if callable(obj):
        return "function"
    return "data"


_SECTIONS = {"function": "Functions", "class": "Classes", "exception": "Exceptions",
             "warning": "Warnings", "data": "Constants", "module": "Modules"}


def _key(mod_name: str, name: str, obj) -> object:
    # Small constants: equal values may be one object, so they are told apart by name.
    if _kind(obj) == "data" and isinstance(obj, (int, float, str, tuple, frozenset)):
        return (mod_name, name)
    return id(obj)


def canonical_names() -> dict[object, str]:
    """``id(object)`` (or ``(module, name)`` of a constant) -> the full name of its one page."""
    names: dict[object, str] = {}
    for name in infokit.__all__:
        obj = getattr(infokit, name)
        if not isinstance(obj, types.ModuleType):
            names.setdefault(id(obj), f"infokit.{name}")
    for mod_name in MODULES:
        mod = importlib.import_module(f"infokit.{mod_name}")
        for name in mod.__all__:
            names.setdefault(_key(mod_name, name, getattr(mod, name)), f"infokit.{mod_name}.{name}")
    return names


def _table(entries: list[str], toctree: bool) -> list[str]:
    lines = ["", ".. autosummary::"]
    if toctree:
        lines += ["   :toctree: generated/", "   :nosignatures:"]
    else:
        lines += ["   :nosignatures:"]
    lines.append("")
    lines += [f"   {e}" for e in entries]
    lines.append("")
    return lines


def _grouped(pairs: list[tuple[str, object]]) -> dict[str, list[tuple[str, object]]]:
    groups: dict[str, list[tuple[str, object]]] = {}
    for name, obj in pairs:
        groups.setdefault(_kind(obj), []).append((name, obj))
    return {k: groups[k] for k in _SECTIONS if k in groups}


def _module_page(mod_name: str, title: str, names: dict[object, str]) -> str:
    full = f"infokit.{mod_name}"
    mod = importlib.import_module(full)
    heading = f"``{full}`` — {title}"
    lines = [f".. _api-{mod_name}:", "", heading, "=" * len(heading), "",
             f".. automodule:: {full}", "   :no-members:", "", f".. currentmodule:: {full}", ""]
    own, elsewhere = [], []
    for name in mod.__all__:
        obj = getattr(mod, name)
        target = names[_key(mod_name, name, obj)]
        (own if target == f"{full}.{name}" else elsewhere).append((name, obj, target))
    for kind, group in _grouped([(n, o) for n, o, _ in own]).items():
        lines += [_SECTIONS[kind], "-" * len(_SECTIONS[kind])]
        lines += _table([n for n, _ in group], toctree=True)
    if elsewhere:
        t = "Also exported here"
        lines += [t, "-" * len(t), "",
                  "These names are documented under the path given (the same objects).", ""]
        lines += _table([target for _, _, target in elsewhere], toctree=False)
    return "\n".join(lines) + "\n"


def _top_page(names: dict[object, str]) -> str:
    heading = "``infokit`` — the top-level names"
    lines = [".. _api-infokit:", "", heading, "=" * len(heading), "",
             ".. automodule:: infokit", "   :no-members:", "", ".. currentmodule:: infokit", "",
             "Every name of ``infokit.__all__``.  ``import infokit as ik`` and call them as",
             "``ik.entropy(p)``; each is imported on first use.", ""]
    pairs = [(n, getattr(infokit, n)) for n in infokit.__all__]
    for kind, group in _grouped(pairs).items():
        lines += [_SECTIONS[kind], "-" * len(_SECTIONS[kind])]
        if kind == "module":
            lines += ["",
                      "These names are modules that are also callable: ``ik.drift(ref, cur)`` calls",
                      "the function of the same name in the module.", ""]
            for n, _ in group:
                lines.append(f"* :mod:`infokit.{n}` — {MODULES.get(n, '')}; "
                             f"``ik.{n}(...)`` is :obj:`infokit.{n}.{n}`"
                             if hasattr(getattr(infokit, n), n)
                             else f"* :mod:`infokit.{n}` — {MODULES.get(n, '')}")
            lines.append("")
            continue
        lines += _table([n for n, _ in group], toctree=True)
    return "\n".join(lines) + "\n"


def _index_page() -> str:
    lines = [".. _api:", "", "API reference", "=============", "",
             "Generated from the docstrings of the public API: the names of ``infokit.__all__``",
             "and the public modules.  Library functions return nats unless ``base=`` says",
             "otherwise.", "", ".. toctree::", "   :maxdepth: 1", "", "   infokit"]
    lines += [f"   {m}" for m in MODULES]
    return "\n".join(lines) + "\n"


def write(out: Path) -> None:
    """Write ``index.rst``, ``infokit.rst`` and one page per public module into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    names = canonical_names()
    pages = {"index.rst": _index_page(), "infokit.rst": _top_page(names)}
    for mod_name, title in MODULES.items():
        pages[f"{mod_name}.rst"] = _module_page(mod_name, title, names)
    for stale in out.glob("*.rst"):  # a module no longer public: its page goes
        if stale.name not in pages:
            stale.unlink()
    for fname, text in pages.items():
        path = out / fname
        if not path.exists() or path.read_text() != text:  # keep mtimes: no needless rebuilds
            path.write_text(text)
