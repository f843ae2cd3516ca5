"""The package's imports go one way (ARCHITECTURE.md, "Who may import whom").

Every import of a package module counts — at module level, under ``if TYPE_CHECKING:`` and inside functions — so
an import moved into a function to dodge an import-time cycle is still a cycle here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import saleor_asc_app

PACKAGE = "saleor_asc_app"
ROOT = Path(saleor_asc_app.__file__).parent

# Cycles waiting for work in progress elsewhere; the lead empties this when that work is merged.
KNOWN_CYCLES: set[frozenset[str]] = set()
# Modules that import inside functions on purpose: the command line loads only what the chosen command runs.
LAZY_IMPORTERS = {f"{PACKAGE}.cli"}
# Single imports made on first use so that serving processes do not hold modules only some requests need (their
# memory: bench/README.md, "Memory"; tests/test_startup_imports.py); each is also in the cycle check above.
LAZY_LOADS = {
    (f"{PACKAGE}.wiring", f"{PACKAGE}.connections.demo"),
    (f"{PACKAGE}.connections.routes", f"{PACKAGE}.connections.demo"),
    (f"{PACKAGE}.connections.routes", f"{PACKAGE}.simulator"),
    (f"{PACKAGE}.dashboard.api", f"{PACKAGE}.dashboard.schema"),
}
LAZY_IMPORTS_OF_KNOWN_CYCLES: set[str] = set()  # see KNOWN_CYCLES


def package_modules(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        relative = path.relative_to(root.parent).with_suffix("")
        if "static" in relative.parts:
            continue
        name = ".".join(relative.parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom, modules: Mapping[str, Path]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            base = module.split(".")
            if path.name != "__init__.py":
                base = base[:-1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        names = [f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target for alias in node.names]
    for name in names:
        while name and name not in modules:  # an imported name → the module that defines it
            name = name.rpartition(".")[0]
        if name and name != module:
            yield name


def import_graph(modules: Mapping[str, Path]) -> tuple[dict[str, set[str]], list[tuple[str, str, int]]]:
    """Module → the package modules it imports (anywhere in it), and the imports made inside functions."""
    edges: dict[str, set[str]] = {name: set() for name in modules}
    in_functions: list[tuple[str, str, int]] = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nested: set[int] = set()
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                nested |= {id(n) for n in ast.walk(function) if isinstance(n, ast.Import | ast.ImportFrom)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _targets(module, path, node, modules):
                    edges[module].add(target)
                    if id(node) in nested:
                        in_functions.append((module, target, node.lineno))
    return edges, in_functions


def cycles(edges: Mapping[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_the_finder_sees_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from ..c import thing\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n")
    (package / "d.py").write_text("import pkg.a\n")
    edges, in_functions = import_graph(package_modules(package, "pkg"))
    assert cycles(edges) == [frozenset({"pkg.a", "pkg.sub.b", "pkg.c"})]
    assert in_functions == [("pkg.sub.b", "pkg.c", 2)]


def test_the_package_has_no_import_cycle() -> None:
    edges, _ = import_graph(package_modules())
    unexpected = [sorted(c) for c in cycles(edges) if c not in KNOWN_CYCLES]
    assert unexpected == []


def test_no_import_is_hidden_in_a_function() -> None:
    _, in_functions = import_graph(package_modules())
    allowed = LAZY_IMPORTERS | LAZY_IMPORTS_OF_KNOWN_CYCLES
    hidden = [(m, t, line) for m, t, line in in_functions if m not in allowed and (m, t) not in LAZY_LOADS]
    assert hidden == []


def test_state_imports_no_feature_behaviour() -> None:
    """``state.py`` sits below the features: it may hold their services' types, never import the wiring."""
    edges, _ = import_graph(package_modules())
    assert f"{PACKAGE}.wiring" not in edges[f"{PACKAGE}.state"]
    reachable: set[str] = set()
    todo = [f"{PACKAGE}.state"]
    while todo:
        for target in edges[todo.pop()]:
            if target not in reachable:
                reachable.add(target)
                todo.append(target)
    assert f"{PACKAGE}.wiring" not in reachable and f"{PACKAGE}.app" not in reachable


def _reachable(edges: Mapping[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in edges[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_configuration_and_jobs_know_no_feature() -> None:
    """Saving the configuration announces it (``configuration/saved.py``); the wiring subscribes the features."""
    modules = package_modules()
    edges, _ = import_graph(modules)
    features = ("orders", "inventory", "processing_errors", "push", "fulfilment", "pii", "notifications")
    for module in modules:
        if module.startswith((f"{PACKAGE}.configuration", f"{PACKAGE}.jobs")):
            reached = _reachable(edges, module)
            assert not [
                m for m in reached if m.split(".")[1:2] in [[f] for f in features] or m == f"{PACKAGE}.state"
            ], module
