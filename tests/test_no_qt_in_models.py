"""desktop/models is the domain core: it must never import a Qt binding."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

QT = {"PySide6", "PySide2", "PyQt5", "PyQt6", "qtpy", "shiboken6", "shiboken2"}
MODELS = Path(__file__).resolve().parent.parent / "desktop" / "models"


def test_no_module_under_models_imports_qt_statically() -> None:
    offenders = []
    for path in MODELS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in QT]
    assert offenders == []


def test_importing_every_model_module_loads_no_qt() -> None:
    modules = sorted(
        ".".join(("desktop", "models", *p.relative_to(MODELS).with_suffix("").parts)).removesuffix(
            ".__init__"
        )
        for p in MODELS.rglob("*.py")
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {sorted(QT)!r})\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=MODELS.parent.parent
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_static_check_would_catch_an_offender(tmp_path: Path) -> None:
    sample = "from PySide6.QtCore import QObject\n"
    tree = ast.parse(sample)
    found = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert found and found[0].split(".")[0] in QT
