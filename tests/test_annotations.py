"""Every public callable is annotated: parameters and return.

Walks ``infokit.__all__`` and the ``__all__`` of each public module, so that a new
public function without annotations fails here even where the type checker
(``make typecheck``) is not run.
"""

from __future__ import annotations

import importlib
import inspect
import types
import typing

import pytest

import infokit as ik

PUBLIC_MODULES = [
    "infokit",
    "infokit.exact",
    "infokit.empirical",
    "infokit.estimators",
    "infokit.models",
    "infokit.parametric",
    "infokit.continuous",
    "infokit.lm",
    "infokit.io",
    "infokit.drift",
    "infokit.reports",
    "infokit.plot",
    "infokit.errors",
    "infokit.binning",
    "infokit.categorical",
    "infokit.decompose",
    "infokit.demo",
]


def _public_objects():
    seen = {}
    for mod_name in PUBLIC_MODULES:
        mod = importlib.import_module(mod_name)
        for name in mod.__all__:
            obj = getattr(mod, name)
            if isinstance(obj, types.ModuleType):
                obj = getattr(obj, "__call_target__", None)  # a callable module calls a function
                if obj is None:
                    continue
            if inspect.isclass(obj) or inspect.isfunction(obj):
                seen.setdefault(id(obj), (f"{mod_name}.{name}", obj))
    return sorted(seen.values(), key=lambda t: t[0])


def _functions_of(qualname, obj):
    """(name, function) for a function, or a class's own public methods, properties and __init__."""
    if inspect.isfunction(obj):
        yield qualname, obj
        for i, ov in enumerate(typing.get_overloads(obj)):
            yield f"{qualname} (overload {i + 1})", ov
        return
    for attr, value in vars(obj).items():
        if attr.startswith("_") and attr not in ("__init__", "__call__", "__iter__"):
            continue
        if isinstance(value, property):
            value = value.fget
        elif isinstance(value, (classmethod, staticmethod)):
            value = value.__func__
        if inspect.isfunction(value) and value.__qualname__.startswith(obj.__qualname__):
            yield f"{qualname}.{attr}", value


def _missing(fn):
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    missing = [p.name for p in params if p.annotation is inspect.Parameter.empty]
    if sig.return_annotation is inspect.Signature.empty and fn.__name__ != "__init__":
        missing.append("return")
    return missing


CASES = [case for q, o in _public_objects() for case in _functions_of(q, o)]


def test_walk_finds_the_public_api():
    names = {q for q, _ in CASES}
    # the walk reaches the facade's functions, the callable modules, methods and other modules
    for expected in ("infokit.entropy", "infokit.drift", "infokit.empirical", "infokit.Empirical.from_counts",
                     "infokit.estimate_entropy", "infokit.lm.token_surprisal", "infokit.io.read_empirical",
                     "infokit.plot.plot_drift", "infokit.entropy (overload 1)"):
        assert expected in names
    assert len(CASES) > 100


@pytest.mark.parametrize(("name", "fn"), CASES, ids=[q for q, _ in CASES])
def test_public_callable_is_annotated(name, fn):
    assert _missing(fn) == [], f"{name} lacks annotations for: {', '.join(_missing(fn))}"


def test_annotations_resolve():
    # the annotations name real objects (no typo hidden by ``from __future__ import annotations``)
    for name, fn in CASES:
        if "overload" in name:
            continue
        typing.get_type_hints(fn, globalns=vars(importlib.import_module(fn.__module__)))


def test_the_package_is_typed():
    from importlib import resources

    assert resources.files("infokit").joinpath("py.typed").is_file()


def test_version_is_defined_once():
    import tomllib
    from importlib import metadata
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "infokit.__version__"}
    assert metadata.version("infokit") == ik.__version__
