"""Per-region rule thresholds (protocol §6.1 ``[brackets]``), loaded from TOML.

The packaged defaults live in ``desktop/data/rules.toml``; a deployment may pass its own
file. Unknown keys are errors, so a misspelt threshold cannot silently fall back.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from desktop.models.catalogue import CATALOGUE
from desktop.models.validation import REGIONS

DEFAULT_RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "rules.toml"


class ConfigError(ValueError):
    """A rules file that cannot be used; the message says which key and why."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every configurable threshold of the catalogue, for one region."""

    seal_silence_s: float = 300.0  # A02
    seal_separation_m: float = 200.0  # A03
    seal_separation_count: int = 3  # A03
    obu_fix_window_s: float = 60.0  # A03: OBU fix within this of the seal status
    vehicle_silence_s: float = 300.0  # A05
    overdue_escalation_h: float = 12.0  # A09, S7
    low_battery_pct: float = 20.0  # A10
    stop_speed_kmh: float = 3.0  # A12
    stop_duration_min: float = 15.0  # A12
    jump_min_distance_m: float = 1000.0  # A13
    jump_speed_kmh: float = 200.0  # A13
    plausible_speed_kmh: float = 90.0  # T1
    arrival_read_window_min: float = 30.0  # S8
    ticket_overdue_working_days: int = 7  # §6.4
    order_lookback_min: float = 60.0  # how far before an order its devices' messages count
    signoff_minimum: dict[str, int] = field(default_factory=dict)  # code -> level 1..3


_NUMERIC = {f.name: f.type for f in fields(Thresholds) if f.name != "signoff_minimum"}


def _apply(base: Thresholds, table: dict[str, Any], where: str) -> Thresholds:
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key == "signoff_minimum":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}.signoff_minimum must be a table of code = level")
            merged = dict(base.signoff_minimum)
            for code, level in value.items():
                if code not in CATALOGUE:
                    raise ConfigError(f"{where}.signoff_minimum: unknown anomaly code {code!r}")
                if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 3:
                    raise ConfigError(f"{where}.signoff_minimum.{code} must be 0, 1, 2 or 3")
                merged[code] = level
            changes[key] = merged
            continue
        if key not in _NUMERIC:
            raise ConfigError(f"{where}: unknown threshold {key!r}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}.{key} must be a positive number, not {value!r}")
        if not math.isfinite(value) or value <= 0:
            raise ConfigError(f"{where}.{key} must be a positive finite number, not {value!r}")
        if _NUMERIC[key] == "int" and not isinstance(value, int):
            raise ConfigError(f"{where}.{key} must be a whole number, not {value!r}")
        changes[key] = value
    return replace(base, **changes)


def _table(data: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: {key} must be a table, not {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class RuleConfig:
    """Thresholds for every region."""

    defaults: Thresholds = Thresholds()
    regions: dict[str, Thresholds] = field(default_factory=dict)

    def for_region(self, region: str) -> Thresholds:
        """The thresholds in force for a region."""
        return self.regions.get(region, self.defaults)

    def signoff_minimum(self, region: str, code: str) -> int:
        """The configured minimum sign-off level of a code in a region (0 = none)."""
        return self.for_region(region).signoff_minimum.get(code, 0)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], source: str = "rules") -> RuleConfig:
        """Build from parsed TOML: ``[defaults]`` and ``[regions.<region>]`` tables."""
        unknown = set(data) - {"defaults", "regions"}
        if unknown:
            raise ConfigError(f"{source}: unknown table(s) {sorted(unknown)}")
        defaults = _apply(Thresholds(), _table(data, "defaults", source), f"{source}: defaults")
        regions: dict[str, Thresholds] = {}
        for region, table in _table(data, "regions", source).items():
            if region not in REGIONS:
                raise ConfigError(f"{source}: unknown region {region!r}")
            if not isinstance(table, dict):
                raise ConfigError(f"{source}: regions.{region} must be a table of thresholds")
            regions[region] = _apply(defaults, table, f"{source}: regions.{region}")
        return cls(defaults, regions)

    @classmethod
    def load(cls, path: str | Path = DEFAULT_RULES_FILE) -> RuleConfig:
        """Load a rules TOML file. Raises :class:`ConfigError` on any problem."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read ({exc.strerror})") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
        return cls.from_mapping(data, str(path))
