"""Every action carecast writes to the audit log has a German label on the log page.

The actions are found in the code itself (every ``audit.record(...)`` call), so a new
action without a label fails here instead of showing up as a raw code.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

from carecast.core.audit_labels import ACTION_LABELS, action_label, readable

PACKAGE = Path(__file__).resolve().parents[2] / "carecast"


def _strings(node: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _choices(node: ast.AST) -> set[str]:
    """The strings an expression can evaluate to (both arms of ``a if cond else b``)."""
    if isinstance(node, ast.IfExp):
        return _choices(node.body) | _choices(node.orelse)
    return _strings(node)


def _assigned(function: ast.AST, name: str) -> set[str]:
    """The strings a local variable is set to (``action = "a" if x else "b"``)."""
    found: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found |= _choices(node.value)
    return found


def _calls_of(tree: ast.AST, name: str) -> list[ast.Call]:
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name
    ]


def _actions_in(tree: ast.Module) -> set[str]:
    actions: set[str] = set()
    for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        for call in ast.walk(function):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "record"
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "audit"
                and len(call.args) > 1
            ):
                continue
            action = call.args[1]
            if isinstance(action, ast.Name):
                actions |= _assigned(function, action.id)
            elif isinstance(action, ast.JoinedStr):  # f"live.{action}" in a helper
                prefix = "".join(_strings(action.values[0]))
                for helper_call in _calls_of(tree, function.name):
                    actions |= {prefix + s for s in _strings(helper_call.args[1])}
            else:
                actions |= _choices(action)
    return actions


def actions_in_code() -> set[str]:
    actions: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        if "audit.record(" in source:
            actions |= _actions_in(ast.parse(source))
    return actions


def test_it_finds_the_actions_written_today():
    found = actions_in_code()
    assert {"compliance.override", "person.deactivated", "live.merged", "inbox.erased"} <= found


def test_it_has_a_german_label_for_every_action_in_the_code():
    missing = sorted(actions_in_code() - set(ACTION_LABELS))
    assert not missing, f"add a label to core/audit_labels.ACTION_LABELS (and German): {missing}"


def test_it_translates_every_label_to_german():
    with translation.override("en"):
        english = {action: action_label(action) for action in ACTION_LABELS}
    with translation.override("de"):
        same = [a for a in ACTION_LABELS if action_label(a) == english[a]]
    assert not same, f"no German translation in the .po file for: {same}"


def test_it_reads_an_unknown_action_as_words():
    assert readable("story.back_to_review") == "Story back to review"
    assert action_label("reply.escalated_twice") == "Reply escalated twice"
    assert readable("") == "—"
