"""Every diagnostic is worded in one place: its code's builder.

An AST scan of ttuplan/: `Diagnostic(...)` is called only inside the builder functions of
ttuplan/diagnostics/builders/ (one module per family), each builder is named after its
code's slug and constructs that code and no other, and every code still reported has one.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from ttuplan.diagnostics import codes

ROOT = Path(__file__).resolve().parents[1] / "ttuplan"
BUILDERS = ROOT / "diagnostics" / "builders"


MODEL = "ttuplan.diagnostics.model"


def _names_of_the_class(tree: ast.Module) -> tuple[set[str], set[str]]:
    """The names a module binds to ttuplan's `Diagnostic` (however imported), and to the
    module that defines it (so `model.Diagnostic(...)` counts too; lsprotocol's does not)."""
    classes, modules = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == MODEL:
            classes |= {a.asname or a.name for a in node.names if a.name == "Diagnostic"}
        elif isinstance(node, ast.ImportFrom) and node.module == "ttuplan.diagnostics":
            modules |= {a.asname or a.name for a in node.names if a.name == "model"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == MODEL}
    return classes, modules


def _is_construction(node: ast.AST, classes: set[str], modules: set[str]) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        # `replace(problem, code=...)` would make another code out of a built one
        rewords = func.id == "replace" and any(k.arg == "code" for k in node.keywords)
        return func.id in classes or rewords
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "Diagnostic"
        and ast.unparse(func.value) in modules
    )


def _constructions() -> list[tuple[Path, str | None, ast.Call]]:
    """Every construction of a `Diagnostic` in ttuplan, with its file and the top-level
    function it sits in (None at module level or in a class)."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes, modules = _names_of_the_class(tree)
        if path.stem == "model" and path.parent.name == "diagnostics":
            classes.add("Diagnostic")
        for top in tree.body:
            function = top.name if isinstance(top, ast.FunctionDef) else None
            for node in ast.walk(top):
                if _is_construction(node, classes, modules):
                    assert isinstance(node, ast.Call)
                    found.append((path, function, node))
    return found


def test_the_scan_finds_constructions_however_written() -> None:
    """The scan is not fooled by an alias, a module prefix or a code put in by `replace`;
    lsprotocol's Diagnostic (the language server's) is not ours."""
    source = (
        "from ttuplan.diagnostics.model import Diagnostic as D\n"
        "from ttuplan.diagnostics import model\n"
        "import lsprotocol.types as t\n"
        "def f():\n"
        "    D(code=codes.BAD_DATE, message='')\n"
        "    model.Diagnostic(code=codes.BAD_DATE, message='')\n"
        "    replace(problem, code=codes.BAD_TIME)\n"
        "    replace(problem, message='')\n"
        "    t.Diagnostic(range=None, message='')\n"
    )
    tree = ast.parse(source)
    classes, modules = _names_of_the_class(tree)
    found = [n.lineno for n in ast.walk(tree) if _is_construction(n, classes, modules)]
    assert sorted(found) == [5, 6, 7]


def _code_of(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "code":
            value = keyword.value
            if (
                isinstance(value, ast.Attribute)
                and isinstance(value.value, ast.Name)
                and value.value.id == "codes"
            ):
                return value.attr
    return None


def test_diagnostics_are_constructed_only_by_builders() -> None:
    outside = [
        f"{path.relative_to(ROOT.parent)}:{call.lineno}"
        for path, function, call in _constructions()
        if path.parent != BUILDERS or function is None
    ]
    assert not outside, "Diagnostic(...) outside a builder function:\n" + "\n".join(outside)


def test_each_code_has_exactly_one_builder_named_after_it() -> None:
    builders: dict[str, set[str]] = defaultdict(set)
    wrong = []
    for path, function, call in _constructions():
        if path.parent != BUILDERS or function is None:
            continue
        name = _code_of(call)
        where = f"{path.name}:{call.lineno} in {function}"
        if name is None:
            wrong.append(f"{where}: the code is not a `codes.NAME` constant")
            continue
        code = getattr(codes, name)
        if function != code.slug.replace("-", "_"):
            wrong.append(f"{where}: builds {code.id} ({code.slug}) but is not named after it")
        if path.stem != code.family.value:
            wrong.append(f"{where}: {code.id} is of family {code.family.value}")
        builders[code.id].add(f"{path.stem}.{function}")
    assert not wrong, "\n".join(wrong)
    twice = {code: sorted(where) for code, where in builders.items() if len(where) > 1}
    assert not twice, f"codes built in more than one builder: {twice}"
    live = {code.id for code in codes.ALL_CODES if not code.retired}
    missing = sorted(live - builders.keys())
    assert not missing, f"codes without a builder: {missing}"
    retired = sorted(builders.keys() - live)
    assert not retired, f"builders for retired codes: {retired}"
