"""The package's import graph: acyclic, and no module of ours loaded from a string.

Built from the source with `ast`. An edge is an import that runs when its module is
imported: at module level or in a class body. Imports inside functions and under
`if TYPE_CHECKING:` are not edges (they run later, or never).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import psp_dashboard

PACKAGE = "psp_dashboard"
ROOT = Path(psp_dashboard.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text(), str(p)) for p in ROOT.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_time_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Nodes executed when the module is imported."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield other
                yield from import_time_nodes(other)
            continue
        yield child
        yield from import_time_nodes(child)


def edges(name: str, tree: ast.Module, known: set[str]) -> set[str]:
    """Our modules `name` imports at import time, each the most specific module named
    (`from a.b import c`: a.b.c when that is a module, else a.b), as import-linter does."""
    is_package = (ROOT / Path(*name.split(".")[1:]) / "__init__.py").is_file()
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in import_time_nodes(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.append(sub if sub in known else base)
        found.update(t for t in targets if t in known and t != name)
    return found


def graph() -> dict[str, set[str]]:
    trees = modules()
    known = set(trees)
    return {name: edges(name, tree, known) for name, tree in trees.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components with more than one module: each holds a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    assert strongly_connected(graph()) == []


def test_no_module_of_ours_is_loaded_from_a_string() -> None:
    """`importlib.import_module("psp_dashboard…")` hides an edge from the graph and mypy."""
    offenders: list[str] = []
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called not in ("import_module", "__import__"):
                continue
            arg = node.args[0]
            named = arg.value if isinstance(arg, ast.Constant) else None
            if not isinstance(named, str) or named.startswith(PACKAGE):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []


def test_the_graph_sees_a_cycle() -> None:
    """The check itself: a two-module cycle and a TYPE_CHECKING-only back edge."""
    a = ast.parse("from psp_dashboard.b import x\n")
    b = ast.parse("import psp_dashboard.a\n")
    b_typed = ast.parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import psp_dashboard.a\n"
    )
    known = {"psp_dashboard.a", "psp_dashboard.b"}
    cyclic = {"psp_dashboard.a": edges("psp_dashboard.a", a, known),
              "psp_dashboard.b": edges("psp_dashboard.b", b, known)}  # fmt: skip
    typed = {**cyclic, "psp_dashboard.b": edges("psp_dashboard.b", b_typed, known)}
    assert strongly_connected(cyclic) == [["psp_dashboard.a", "psp_dashboard.b"]]
    assert strongly_connected(typed) == []
