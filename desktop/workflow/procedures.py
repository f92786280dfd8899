"""Per-code operating guidance (處理程序) from ``desktop/data/procedures.toml``.

The file, not the code, says what an officer does about each anomaly code; :func:`load_procedures`
checks that it covers the whole catalogue and that step ids are unique, and says what is wrong.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from desktop.models.catalogue import CATALOGUE

DEFAULT_PATH: Final = Path(__file__).resolve().parent.parent / "data" / "procedures.toml"
STEP_ACTIONS: Final = frozenset(
    {"notify_destination_officer", "gate", "police", "haulier", "findings", "evidence", "submit"}
)


class ProcedureError(ValueError):
    """The procedures file is unreadable or incomplete; the message says where."""


@dataclass(frozen=True, slots=True)
class Step:
    """One checklist step."""

    id: str
    zh: str
    en: str
    action: str | None = None


@dataclass(frozen=True, slots=True)
class Procedure:
    """The guidance for one code."""

    code: str
    summary_zh: str
    summary_en: str
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


def _text(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ProcedureError(f"{where}: '{key}' must be a non-empty string")
    return value


def _steps(raw: Any, where: str) -> tuple[Step, ...]:
    if not isinstance(raw, list) or not raw:
        raise ProcedureError(f"{where}: 'steps' must be a non-empty list")
    steps: list[Step] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, 1):
        here = f"{where} step {i}"
        if not isinstance(item, dict):
            raise ProcedureError(f"{here}: must be a table")
        step_id = _text(item, "id", here)
        if step_id in seen:
            raise ProcedureError(f"{here}: id {step_id!r} appears twice")
        seen.add(step_id)
        action = item.get("action")
        if action is not None and action not in STEP_ACTIONS:
            raise ProcedureError(
                f"{here}: unknown action {action!r} (one of {', '.join(sorted(STEP_ACTIONS))})"
            )
        steps.append(Step(step_id, _text(item, "zh", here), _text(item, "en", here), action))
    return tuple(steps)


def parse_procedures(doc: Mapping[str, Any], codes: Iterable[str] = CATALOGUE) -> dict[str, Procedure]:
    """Procedures from a parsed TOML document; every code of ``codes`` must be covered."""
    table = doc.get("codes")
    if not isinstance(table, dict):
        raise ProcedureError("missing [codes] tables")
    unknown = sorted(set(table) - set(CATALOGUE))
    if unknown:
        raise ProcedureError(f"codes not in the catalogue: {', '.join(unknown)}")
    missing = [c for c in codes if c not in table]
    if missing:
        raise ProcedureError(f"no procedure for: {', '.join(missing)}")
    result: dict[str, Procedure] = {}
    for code, body in table.items():
        where = f"[codes.{code}]"
        if not isinstance(body, dict):
            raise ProcedureError(f"{where}: must be a table")
        result[code] = Procedure(
            code,
            _text(body, "summary_zh", where),
            _text(body, "summary_en", where),
            _steps(body.get("steps"), where),
        )
    return result


def load_procedures(path: Path = DEFAULT_PATH) -> dict[str, Procedure]:
    """Read and check the procedures file."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProcedureError(f"cannot read {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProcedureError(f"{path} is not valid TOML: {exc}") from exc
    return parse_procedures(doc)
