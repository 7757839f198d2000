"""The package's modules import one another without a cycle (read statically from their ``import``
statements, those inside functions included): data flows one way, and a function-level import
never hides a back-edge. `python -m tests.test_imports` prints the graph's cycles (none)."""

from __future__ import annotations

import ast
from pathlib import Path

from analysis.paths import PACKAGE_DIR


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = PACKAGE_DIR) -> dict[str, set[str]]:
    """Module -> the package's modules it imports. Importing ``a.b.c`` runs ``a.b`` first, so an
    import reaches the packages above its target too (not the importer's own packages, which
    are running already)."""
    modules = {_module(p): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets |= {f"{base}.{a.name}" for a in node.names} | {base}
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
        own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        edges = set()
        for t in targets:
            parts = t.split(".")
            for i in range(1, len(parts) + 1):  # the target and every package above it
                m = ".".join(parts[:i])
                if m in modules and m != name and m not in own:
                    edges.add(m)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The graph's strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_has_no_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 60 and "analysis.sources.oecd_fdi" in graph["analysis.sources"]
    assert cycles(graph) == []


def test_an_import_inside_a_function_says_it_defers_a_heavy_one() -> None:
    """Inside a function, a package module is imported only to defer a heavy import (matplotlib,
    the registry of sources, the build), and a comment says so; the CLI defers everything (its
    docstring says why) so that `--help` imports nothing heavy."""
    silent = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if path.name == "cli.py" and path.parent == PACKAGE_DIR:
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        top = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level and id(node) not in top:
                start = node.lineno - 1  # the import, and the comments and imports above it
                while start > 0 and lines[start - 1].strip().startswith(("#", "from ", "import ")):
                    start -= 1
                said = " ".join(lines[start : node.end_lineno])
                if "deferred" not in said:
                    silent.append(f"{path.relative_to(PACKAGE_DIR)}:{node.lineno}")
    assert not silent, f"function-level imports without a reason: {silent}"


def test_the_cycle_finder_finds_a_hand_made_cycle() -> None:
    hand_made = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(hand_made) == [["a", "b", "c"]]


if __name__ == "__main__":
    g = import_graph()
    print(f"{len(g)} modules, {sum(map(len, g.values()))} import edges; cycles: {cycles(g)}")
