"""The layout the code map promises (docs/architecture.md): stages as packages, formats kept apart, no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import storyexport

PACKAGE = Path(storyexport.__file__).parent
FORMATS = ("audio", "epub", "html", "pdf")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(import_time_only: bool = False) -> dict[str, set[str]]:
    """Every storyexport module and the storyexport modules it imports: anywhere in its code, or
    only at import time (its top-level statements; imports inside functions run later, on use)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found = set()
        tree = ast.parse(path.read_text("utf-8"))
        for node in (tree.body if import_time_only else ast.walk(tree)):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            found |= {t for t in targets if t in modules and t != name}
        graph[name] = found
    return graph


def test_the_top_of_the_package_holds_only_the_entry_points_model_and_errors():
    top = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert len(top) <= 5 and set(top) <= {"cli.py", "pipeline.py", "model.py", "errors.py", "__main__.py"}
    for package in (p for p in PACKAGE.rglob("__init__.py")):
        docstring = ast.get_docstring(ast.parse(package.read_text("utf-8"))) or ""
        summary = docstring.split("\n\n")[0]
        assert summary and "\n" not in summary, f"{package.parent.name}: a one-line docstring says what it is for"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_format_never_imports_another_formats_package(fmt):
    graph = _imports()
    own = f"storyexport.formats.{fmt}"
    others = [f"storyexport.formats.{other}" for other in FORMATS if other != fmt]
    crossing = sorted((module, target) for module, targets in graph.items()
                      if module == own or module.startswith(own + ".")
                      for target in targets if any(target == o or target.startswith(o + ".") for o in others))
    assert crossing == []


def test_the_import_graph_has_no_cycles():
    """At import time: a builder module imports the contract in formats/__init__.py, whose registry
    imports the builders only when it is asked for them."""
    graph = _imports(import_time_only=True)
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*path, module, target]
            if target not in state and (cycle := visit(target, [*path, module])):
                return cycle
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            assert visit(module, []) is None
