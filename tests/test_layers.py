"""The package is layered: every module imports only the layers below it.

Read with :mod:`ast` (module-level *and* function-local imports):

* no import cycle anywhere in ``infokit``;
* no upward import: each layer imports only the layers listed for it;
* no function-local import of an infokit module below the interfaces
  (lazy imports are for optional third-party libraries only);
* no public function shares its name with a module it would shadow.
"""

from __future__ import annotations

import ast
import importlib
import pathlib

import pytest

import infokit as ik

ROOT = pathlib.Path(ik.__file__).parent

#: layer -> the layers it may import (itself included)
ALLOWED = {
    "errors": {"errors"},
    "_lib": {"errors", "_lib"},
    "_core": {"errors", "_lib", "_core"},
    "_samples": {"errors", "_lib", "_core", "_samples"},
    "_models": {"errors", "_lib", "_core", "_samples", "_models"},
    "lm": {"errors", "_lib", "_core", "lm"},
    "_dispatch": {"errors", "_lib", "_core", "_samples", "_models", "lm", "_dispatch"},
    "_estimators": {"errors", "_lib", "_core", "_samples", "_models", "lm", "_dispatch", "_estimators"},
    "_api": {"errors", "_lib", "_core", "_samples", "_models", "lm", "_dispatch", "_api"},
}
BELOW_INTERFACES = set(ALLOWED)


def _modules():
    mods = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


MODULES = _modules()


def layer(mod: str) -> str:
    """The layer of ``infokit.x.y``: its first component below infokit when that is a layer, else 'interface'."""
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else "interface"


def _target(mod: str, node: ast.ImportFrom, modules) -> str:
    if node.level == 0:
        return node.module or ""
    base = mod.split(".")
    if not modules[mod].name == "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _known(name: str, modules) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports(mod: str, modules=MODULES):
    """``(target module, line, function-local?)`` for every import of an infokit module in ``mod``."""
    tree = ast.parse(modules[mod].read_text(encoding="utf-8"))
    local = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            local.update(id(n) for n in ast.walk(fn) if n is not fn)
    out = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom):
            tgt = _target(mod, node, modules)
            names = [f"{tgt}.{a.name}" if f"{tgt}.{a.name}" in modules else tgt for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for n in names:
            k = _known(n, modules) if n.startswith("infokit") else None
            if k and k != mod and not mod.startswith(k + "."):
                out.append((k, node.lineno, id(node) in local))
    return out


GRAPH = {m: sorted({t for t, _, _ in imports(m)}) for m in MODULES}


def test_every_module_has_a_layer_and_layers_exist():
    assert {layer(m) for m in MODULES} >= set(ALLOWED) | {"interface"}


def test_no_upward_import():
    bad = []
    for m in MODULES:
        lay = layer(m)
        if lay == "interface":
            continue
        for t, line, _ in imports(m):
            if layer(t) not in ALLOWED[lay]:
                bad.append(f"{m}:{line} ({lay}) imports {t} ({layer(t)})")
    assert not bad, "upward imports:\n" + "\n".join(bad)


def test_no_function_local_infokit_import_below_the_interfaces():
    bad = [f"{m}:{line} imports {t} inside a function" for m in MODULES if layer(m) in BELOW_INTERFACES
           for t, line, is_local in imports(m) if is_local]
    assert not bad, "\n".join(bad)


def test_no_import_cycle():
    index, low, stack, on, sccs = {}, {}, [], set(), []

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert not sccs, f"import cycles: {sccs}"


def test_the_checker_sees_an_upward_import(tmp_path):
    # the checker itself can fail: a made-up core module importing the estimators inside a function
    bad = tmp_path / "bad.py"
    bad.write_text("import numpy\n\ndef f():\n    from infokit._estimators import auto\n")
    mods = {**MODULES, "infokit._core.bad": bad}
    assert imports("infokit._core.bad", mods) == [("infokit._estimators.auto", 4, True)]
    assert layer("infokit._estimators.auto") not in ALLOWED[layer("infokit._core.bad")]


@pytest.mark.parametrize("name", ["drift", "empirical", "decompose"])
def test_public_functions_do_not_shadow_their_modules(name):
    mod = importlib.import_module(f"infokit.{name}")
    assert getattr(ik, name) is mod  # ik.drift is the module ...
    assert callable(getattr(ik, name))  # ... and calling it calls the function
    for public in mod.__all__:
        assert hasattr(getattr(ik, name), public)


def test_drift_module_attributes_and_call():
    pytest.importorskip("pandas")
    import infokit.drift

    df = infokit.drift.drift_from_counts({"x": [50, 50]}, {"x": [50, 50]}, rng=0)
    assert df.loc["x", "js_divergence"] == 0.0
    same = ik.drift({"x": [0, 1] * 50}, {"x": [1, 0] * 50}, rng=0)
    assert same.loc["x", "js_divergence"] == 0.0
