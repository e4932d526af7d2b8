"""The layering, checked on the source: data flows one way and nothing imports in a circle.

Imports are read from the code (every `import`, lazy ones in functions included), so a cycle
hidden behind a function-level import still counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph() -> dict[str, set[str]]:
    """workbench module -> the workbench modules it imports."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(name, path.name == "__init__.py", node)
                # `from . import x` may name a submodule
                targets = [f"{target}.{a.name}" for a in node.names] + [target]
            else:
                continue
            for target in targets:
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target.startswith("workbench") and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def _packages_only(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Edges between modules, with package __init__ re-exports left out (they face outwards)."""
    inits = {n for n in graph if (PACKAGE.parent / n.replace(".", "/") / "__init__.py").exists()}
    return {n: {t for t in ts if t not in inits} for n, ts in graph.items() if n not in inits}


def test_the_graph_sees_the_real_imports():
    graph = import_graph()
    assert "workbench.checking" in graph["workbench.api"]
    assert "workbench.pipeline.verdict" in graph["workbench.checking"]


def test_no_import_cycle_anywhere():
    assert _cycles(_packages_only(import_graph())) == []


@pytest.mark.parametrize(
    "layer, forbidden",
    [
        ("workbench.model", ("workbench.pipeline", "workbench.storage", "workbench.api")),
        ("workbench.storage", ("workbench.pipeline", "workbench.api", "workbench.checking")),
        ("workbench.pipeline", ("workbench.api", "workbench.ui", "workbench.cli")),
        ("workbench.training", ("workbench.ui", "workbench.cli")),
    ],
)
def test_data_flows_one_way(layer, forbidden):
    back_arrows = [
        (name, target)
        for name, targets in import_graph().items()
        if name.startswith(layer)
        for target in targets
        if target.startswith(forbidden)
    ]
    assert back_arrows == []


def test_a_cycle_is_found():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


MAX_FUNCTION_LINES = 80
MAX_API_LINES = 200


def test_no_function_longer_than_a_screen():
    long = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE.parent)}:{node.name} ({lines})")
    assert long == []


def test_the_api_is_a_thin_facade():
    lines = (PACKAGE / "api.py").read_text(encoding="utf-8").count("\n")
    assert lines < MAX_API_LINES
