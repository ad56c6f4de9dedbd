"""The import rules of DESIGN.md ("Who may import whom"), read from the source of every app.

Every ``import`` counts, also one inside a function: an import put off until a function runs
is still a dependency. The checks read the code as text (``ast``), so they import nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "carecast"
# Every app (a package under carecast/); ``lib`` is the shared library every app may use.
APPS = sorted(p.parent.name for p in ROOT.glob("*/__init__.py"))
WEB = {"web", "api"}  # templates, views and the API: on top, imported by no app
# What DESIGN.md forbids an app to import, beyond ``web``.
FORBIDDEN = {
    "core": set(APPS) - {"core", "lib"},
    "networks": {"publishing", "stories", "live", "inbox", "automation"},
    "compliance": set(APPS) - {"compliance", "networks", "lib"},
}
# Compliance may read a network's rules (lengths), never its connector, flows or tables.
NETWORK_RULES = {"base", "registry", "textcount", "twitter_urls", "rules"}


def modules(app: str) -> Iterator[tuple[str, Path]]:
    """(dotted name, path) of every module of ``app``, migrations aside."""
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def is_module(dotted: str) -> bool:
    path = ROOT.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imported(source: str) -> Iterator[tuple[str, int]]:
    """(module, line) of every absolute import in ``source``, and of the modules a
    ``from package import name`` takes."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno
            for alias in node.names:
                if is_module(f"{node.module}.{alias.name}"):
                    yield f"{node.module}.{alias.name}", node.lineno


def violations(app: str, source: str) -> list[str]:
    """What in ``source`` (a module of ``app``) breaks the rules."""
    found = []
    for module, line in imported(source):
        parts = module.split(".")
        if parts[0] != "carecast" or len(parts) < 2 or parts[1] == app:
            continue
        other = parts[1]
        if other in WEB and app not in WEB:
            found.append(f"line {line}: {module} (no app imports the web layer)")
        elif other in FORBIDDEN.get(app, set()):
            found.append(f"line {line}: {module} ({app} never imports {other})")
        elif (
            app == "compliance"
            and other == "networks"
            and len(parts) > 2
            and not NETWORK_RULES & set(parts[2:])
        ):
            found.append(f"line {line}: {module} (compliance reads network rules only)")
    return found


@pytest.mark.parametrize("app", [a for a in APPS if a not in WEB])
def test_it_keeps_each_app_to_what_it_may_import(app):
    broken = [
        f"{name} {problem}"
        for name, path in modules(app)
        for problem in violations(app, path.read_text(encoding="utf-8"))
    ]
    assert broken == []


def internal_graph(app: str) -> dict[str, set[str]]:
    """Which modules of ``app`` each of its modules imports (packages' own ``__init__`` aside)."""
    names = {name for name, _ in modules(app)}
    graph: dict[str, set[str]] = {}
    for name, path in modules(app):
        if path.name == "__init__.py":
            continue
        graph[name] = {
            module
            for module, _ in imported(path.read_text(encoding="utf-8"))
            if module in names
            and module != name
            and not (ROOT / app).joinpath(*module.split(".")[2:], "__init__.py").exists()
        }
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle in ``graph`` (as a path that returns to its start), or []."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []


def test_it_finds_no_import_circle_in_the_inbox():
    assert cycle(internal_graph("inbox")) == []


def test_it_would_notice_a_broken_rule():
    assert violations("inbox", "from carecast.web.access import person_of\n")
    assert violations("automation", "def f():\n    from carecast.api import views\n")
    assert violations("compliance", "from carecast.publishing.services import cancel\n")
    assert violations("compliance", "from carecast.networks.x.connector import XConnector\n")
    assert violations("compliance", "from carecast.networks.models import Channel\n")
    assert violations("networks", "import carecast.stories.models\n")
    assert violations("core", "from carecast.rights import can\n")
    assert not violations("compliance", "from carecast.networks.x.rules import X\n")
    assert not violations("compliance", "from carecast.networks import get, registry\n")
    assert not violations("web", "from carecast.web.access import person_of\n")
    assert not violations("inbox", "from carecast.rights import person_of\n")
    assert cycle({"a.tasks": {"a.send"}, "a.send": {"a.tasks"}}) == ["a.send", "a.tasks", "a.send"]
    assert cycle({"a.tasks": {"a.send"}, "a.send": {"a.queue"}, "a.queue": set()}) == []
