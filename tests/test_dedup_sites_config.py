"""Duplicate filtering (protocol §2), sites/gates/rosters (§4) and rule thresholds (§6.1).

Unit tests drive :class:`DuplicateFilter`, :func:`parse_sites` and :class:`RuleConfig`
directly; the end-to-end checks go through :class:`Harness` (a real pipeline on a simulated clock).
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from desktop.models.config import DEFAULT_RULES_FILE, ConfigError, RuleConfig, Thresholds
from desktop.models.dedup import DuplicateFilter
from desktop.models.pipeline import ACCEPTED, DUPLICATE
from desktop.models.sites import SitesFileError, load_roster, load_sites, parse_roster, parse_sites
from desktop.models.validation import REGIONS
from tests.helpers import SITES, Harness, iso, route

DATA = Path(DEFAULT_RULES_FILE).parent
REGION_NAMES = ("keelung", "taipei", "taichung", "kaohsiung")


def feed(f: DuplicateFilter, device: str, seqs: list[int]) -> list[bool]:
    """Deliver seqs as the pipeline does (check, then remember); return which were duplicates."""
    result = []
    for seq in seqs:
        dup = f.seen(device, seq)
        if not dup:
            f.remember(device, seq)
        result.append(dup)
    return result


# -- DuplicateFilter ------------------------------------------------------------------------------


def test_in_order_seqs_are_new_and_repeats_are_counted() -> None:
    f = DuplicateFilter()
    assert feed(f, "obu:A", list(range(100))) == [False] * 100
    assert f.duplicates == 0
    assert feed(f, "obu:A", [0, 50, 99, 100]) == [True, True, True, False]
    assert f.duplicates == 3


def test_out_of_order_seqs_are_new_once_each() -> None:
    f = DuplicateFilter()
    assert feed(f, "obu:A", [5, 3, 4, 1, 2, 0]) == [False] * 6
    assert feed(f, "obu:A", [0, 1, 2, 3, 4, 5]) == [True] * 6
    assert feed(f, "obu:A", [6]) == [False]
    assert f.duplicates == 6


def test_gaps_stay_open_until_filled() -> None:
    f = DuplicateFilter()
    feed(f, "obu:A", [0, 1, 5, 9])
    assert feed(f, "obu:A", [5, 9]) == [True, True]
    assert feed(f, "obu:A", [2, 3, 4, 6, 7, 8]) == [False] * 6
    assert feed(f, "obu:A", list(range(10))) == [True] * 10
    assert f.duplicates == 12


def test_same_seq_from_different_devices_is_not_a_duplicate() -> None:
    f = DuplicateFilter()
    assert feed(f, "obu:A", [1, 2]) == [False, False]
    assert feed(f, "obu:B", [1, 2]) == [False, False]
    assert feed(f, "seal:A", [1]) == [False]
    assert f.duplicates == 0


def test_gap_bound_gives_up_the_oldest_half_of_the_gaps() -> None:
    f = DuplicateFilter(max_gaps=8)
    feed(f, "obu:A", [0, *range(2, 19, 2)])  # nine gaps (1, 3 ... 17) -> over the bound of 8
    assert feed(f, "obu:A", [1, 3, 5, 7, 9]) == [True] * 5  # oldest half: now counted as seen
    assert feed(f, "obu:A", [11, 13, 15, 17, 19]) == [False] * 5  # newer gaps still open
    assert feed(f, "obu:A", [12, 18]) == [True, True]


def test_gap_bound_keeps_memory_bounded_and_new_seqs_accepted() -> None:
    f = DuplicateFilter(max_gaps=8)
    for seq in range(0, 20_000, 2):  # a gap after every message
        assert feed(f, "obu:A", [seq]) == [False]
        assert len(f._windows["obu:A"].above) <= 8
    assert feed(f, "obu:A", [20_001, 19_998]) == [False, True]


# -- duplicates end to end -----------------------------------------------------------------------


def telemetry(obu_id: str, seq: int, lat: float = 25.13) -> dict[str, Any]:
    return {"v": 1, "obu_id": obu_id, "seq": seq, "ts": iso(1), "lat": lat, "lon": 121.75, "ext_power": True}


def seal_status(seal_id: str, seq: int) -> dict[str, Any]:
    fields = {"obu_id": "OBU-1", "state": "sealed", "pin": "ok", "battery_pct": 80}
    return {"v": 1, "seal_id": seal_id, "seq": seq, "ts": iso(1)} | fields


def test_exact_same_telemetry_twice_is_one_accepted_and_one_duplicate() -> None:
    h = Harness()
    assert h.send("obu/OBU-1/telemetry", telemetry("OBU-1", 7), at=1) == ACCEPTED
    assert h.send("obu/OBU-1/telemetry", telemetry("OBU-1", 7), at=2) == DUPLICATE
    assert (h.pipeline.stats.accepted, h.pipeline.duplicates) == (1, 1)
    assert h.pipeline.stats.rejected == 0 and len(h.pipeline.quarantine) == 0


def test_same_device_and_seq_with_other_content_is_a_duplicate() -> None:
    h = Harness()
    h.send("obu/OBU-1/telemetry", telemetry("OBU-1", 7))
    assert h.send("obu/OBU-1/telemetry", telemetry("OBU-1", 7, lat=25.0)) == DUPLICATE
    assert h.pipeline.duplicates == 1


def test_seal_status_and_event_share_the_seals_seq_space() -> None:
    h = Harness()
    assert h.send("seal/VS-1/status", seal_status("VS-1", 4)) == ACCEPTED
    event = {"v": 1, "seal_id": "VS-1", "seq": 4, "ts": iso(1), "event": "tamper"}
    assert h.send("seal/VS-1/event", event) == DUPLICATE
    assert h.pipeline.duplicates == 1


def test_obu_and_seal_ids_never_collide() -> None:
    h = Harness()
    assert h.send("obu/X-1/telemetry", telemetry("X-1", 3)) == ACCEPTED
    assert h.send("seal/X-1/status", seal_status("X-1", 3)) == ACCEPTED
    assert h.pipeline.duplicates == 0


def test_orders_are_not_deduplicated_and_identical_resend_changes_nothing() -> None:
    h = Harness()
    assert h.order() == ACCEPTED
    trip, rebuilds = h.pipeline.trips["ORD-1"], h.pipeline.stats.rebuilds
    assert h.order(at=1) == ACCEPTED
    assert h.pipeline.duplicates == 0
    assert h.pipeline.trips["ORD-1"] is trip
    assert (h.pipeline.stats.rebuilds, h.pipeline.stats.stale_orders) == (rebuilds, 0)


def test_older_order_amendment_is_ignored_newer_one_applies() -> None:
    h = Harness()
    h.order(minutes=0, max_transit_min=60)
    assert h.order(minutes=-1, max_transit_min=999, at=1) == ACCEPTED
    assert h.pipeline.stats.stale_orders == 1
    assert h.pipeline.trips["ORD-1"].order.max_transit_min == 60
    h.order(minutes=2, max_transit_min=90, at=2)
    assert h.pipeline.trips["ORD-1"].order.max_transit_min == 90
    assert h.pipeline.stats.stale_orders == 1


# -- sites ---------------------------------------------------------------------------------------


def test_demo_sites_load_with_all_regions_and_gates_on_known_sites() -> None:
    demo = load_sites(DATA / "demo_sites.geojson")
    assert {s.region for s in demo.sites.values()} == set(REGION_NAMES) == REGIONS
    assert demo.gates, "the demo file should have gates"
    for gate in demo.gates.values():
        assert gate.site_code in demo.sites, gate


def test_point_in_site_lookups_boundary_included() -> None:
    yard = SITES.sites["EX-YARD-A"]  # box lon 121.741-121.747, lat 25.139-25.145
    for lon, lat in [(121.744, 25.142), (121.747, 25.142), (121.744, 25.139), (121.741, 25.145)]:
        assert yard.contains(lon, lat), (lon, lat)
        assert [s.code for s in SITES.sites_at(lon, lat)] == ["EX-YARD-A"]
        assert SITES.in_any_site(lon, lat)
    for lon, lat in [(121.7471, 25.142), (121.744, 25.1389), (121.758, 25.13)]:
        assert not yard.contains(lon, lat), (lon, lat)
        assert SITES.sites_at(lon, lat) == []
        assert not SITES.in_any_site(lon, lat)
    assert [s.code for s in SITES.sites_at(121.770, 25.118)] == ["EX-TERM-B"]


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2, dp, dl = map(math.radians, (lat1, lat2, lat2 - lat1, lon2 - lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def test_distance_between_the_example_sites() -> None:
    d = SITES.distance_m("EX-YARD-A", "EX-TERM-B")
    assert abs(d - 2800) <= 280
    nearest_corners = haversine_m(121.747, 25.139, 121.767, 25.121)
    assert abs(d - nearest_corners) <= 0.01 * nearest_corners
    assert SITES.distance_m("EX-TERM-B", "EX-YARD-A") == d
    assert SITES.distance_m("EX-YARD-A", "EX-YARD-A") == 0


def box(x: float = 121.0, y: float = 25.0) -> list[list[list[float]]]:
    return [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]]


def site(code: str | None = "S-1", region: str = "keelung", geometry: Any = None) -> dict[str, Any]:
    props = {"name_zh": "站", "name_en": "Site", "region": region, "kind": "terminal"}
    if code is not None:
        props["site_code"] = code
    geometry = geometry or {"type": "Polygon", "coordinates": box()}
    return {"type": "Feature", "geometry": geometry, "properties": props}


def gate(gate_id: str, site_code: str) -> dict[str, Any]:
    props = {"gate_id": gate_id, "site_code": site_code, "name_zh": "門", "name_en": "Gate", "kind": "gate"}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [121.0, 25.0]},
        "properties": props,
    }


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def test_minimal_sites_file_parses() -> None:
    index = parse_sites(
        collection(
            site("S-1"),
            site("S-2", geometry={"type": "Polygon", "coordinates": box(121.1)}),
            gate("G-1", "S-1"),
        )
    )
    assert set(index.sites) == {"S-1", "S-2"} and index.gates["G-1"].site_code == "S-1"


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[121, 25], [121.01, 25.01], [121.01, 25], [121, 25.01], [121, 25]]],
}
LINE = {"type": "LineString", "coordinates": [[121, 25], [121.01, 25.01]]}


@pytest.mark.parametrize(
    ("data", "needles"),
    [
        ({"type": "Feature", "features": []}, ("FeatureCollection",)),
        ([site()], ("FeatureCollection",)),
        (collection(site(geometry=LINE)), ("feature 0 (S-1)", "Polygon", "LineString")),
        (collection(site(geometry=BOWTIE)), ("feature 0 (S-1)", "invalid polygon", "Self-intersection")),
        (collection(site(code=None)), ("feature 0", "site_code")),
        (collection(site(region="hsinchu")), ("feature 0 (S-1)", "region", "hsinchu")),
        (collection(site("S-1"), site("S-1")), ("feature 1 (S-1)", "S-1 appears twice")),
        (collection(site("S-1"), gate("G-1", "NOPE")), ("gate G-1", "unknown site NOPE")),
    ],
)
def test_bad_sites_file_is_a_clear_error(data: Any, needles: tuple[str, ...]) -> None:
    with pytest.raises(SitesFileError) as info:
        parse_sites(data, "my-sites.geojson")
    message = str(info.value)
    assert message.startswith("my-sites.geojson: "), message
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"


def test_empty_polygon_site_is_an_error() -> None:
    """A site whose geofence is empty contains no point: its trips could never arrive (§4, §5)."""
    with pytest.raises(SitesFileError, match=r"feature 0 \(S-1\)"):
        parse_sites(collection(site(geometry={"type": "Polygon", "coordinates": []})))


def test_unreadable_sites_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.geojson"
    with pytest.raises(SitesFileError, match="cannot read") as info:
        load_sites(missing)
    assert str(missing) in str(info.value)


def test_sites_file_with_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(SitesFileError, match="not valid JSON") as info:
        load_sites(path)
    assert str(path) in str(info.value)


# -- rosters -------------------------------------------------------------------------------------


def test_demo_roster_loads_against_the_demo_sites() -> None:
    roster = load_roster(DATA / "demo_roster.json", load_sites(DATA / "demo_sites.geojson"))
    assert "KL-0101" in roster["KEL-T-W"] and "KL-0101" not in roster["KEL-T-E"]
    assert all(isinstance(officers, frozenset) and officers for officers in roster.values())


@pytest.mark.parametrize(
    ("data", "needles"),
    [
        ({"EX-YARD-A": "KL-0101"}, ("'EX-YARD-A'", "must list officer ids")),
        ({"EX-YARD-A": [1, 2]}, ("'EX-YARD-A'", "must list officer ids")),
        ({"EX-NOWHERE": ["KL-0101"]}, ("'EX-NOWHERE'", "not in the sites file")),
        ([["EX-YARD-A", "KL-0101"]], ("must be an object",)),
    ],
)
def test_bad_roster_is_a_clear_error(data: Any, needles: tuple[str, ...]) -> None:
    with pytest.raises(SitesFileError) as info:
        parse_roster(data, "roster.json", SITES)
    for needle in needles:
        assert needle in str(info.value), str(info.value)


# -- config --------------------------------------------------------------------------------------

SPEC_DEFAULTS: dict[str, float] = {
    "seal_silence_s": 300,  # A02
    "seal_separation_m": 200,  # A03
    "seal_separation_count": 3,  # A03
    "vehicle_silence_s": 300,  # A05
    "overdue_escalation_h": 12,  # A09, S7
    "low_battery_pct": 20,  # A10
    "stop_speed_kmh": 3,  # A12
    "stop_duration_min": 15,  # A12
    "jump_min_distance_m": 1000,  # A13
    "jump_speed_kmh": 200,  # A13
    "plausible_speed_kmh": 90,  # T1
    "arrival_read_window_min": 30,  # S8
    "ticket_overdue_working_days": 7,  # §6.4
}


@pytest.mark.parametrize("region", [None, *REGION_NAMES])
def test_shipped_rules_equal_the_protocol_defaults(region: str | None) -> None:
    config = RuleConfig.load()
    t = config.defaults if region is None else config.for_region(region)
    assert {key: getattr(t, key) for key in SPEC_DEFAULTS} == SPEC_DEFAULTS
    assert t.signoff_minimum == {}
    assert t == Thresholds()  # the file and the built-in defaults agree


def test_region_override_changes_only_that_region() -> None:
    config = RuleConfig.from_mapping(
        {"defaults": {"vehicle_silence_s": 600}, "regions": {"keelung": {"low_battery_pct": 30}}}
    )
    keelung = config.for_region("keelung")
    assert keelung.low_battery_pct == 30 and keelung.vehicle_silence_s == 600
    assert replace(keelung, low_battery_pct=20) == config.defaults
    for region in ("taipei", "taichung", "kaohsiung"):
        assert config.for_region(region) == config.defaults
        assert config.for_region(region).low_battery_pct == 20


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("[defaults]\nlow_battery = 20\n", ("defaults", "unknown threshold", "low_battery")),
        ("[regions.keelung]\nlow_battery_pct = -5\n", ("regions.keelung.low_battery_pct", "-5")),
        ("[defaults]\nseal_silence_s = true\n", ("defaults.seal_silence_s", "True")),
        ('[defaults]\nseal_silence_s = "300"\n', ("defaults.seal_silence_s", "'300'")),
        ("[defaults]\nseal_separation_count = 2.5\n", ("seal_separation_count", "whole number")),
        ("[regions.hsinchu]\nlow_battery_pct = 30\n", ("unknown region", "hsinchu")),
        ("[defaults.signoff_minimum]\nA99 = 2\n", ("signoff_minimum", "A99")),
        ("[defaults.signoff_minimum]\nA06 = 4\n", ("signoff_minimum.A06",)),
        ("[thresholds]\nlow_battery_pct = 30\n", ("unknown table", "thresholds")),
        ("[defaults\nlow_battery_pct = 20\n", ("not valid TOML", "line 1")),
    ],
)
def test_bad_rules_file_is_a_config_error(tmp_path: Path, text: str, needles: tuple[str, ...]) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        RuleConfig.load(path)
    message = str(info.value)
    assert str(path) in message
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[defaults]\nlow_battery_pct = nan\n", "defaults.low_battery_pct"),  # A10 on every status
        ("[regions.keelung]\nvehicle_silence_s = inf\n", "regions.keelung.vehicle_silence_s"),  # nor A05
        ("regions = 5\n", "regions"),
        ("[regions]\nkeelung = 5\n", "regions.keelung"),
        ("defaults = []\n", "defaults"),
    ],
)
def test_non_finite_or_misshapen_rules_are_config_errors(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        RuleConfig.load(path)


@pytest.mark.parametrize(
    ("overrides", "raised"),
    [
        ("", False),
        ("[regions.keelung]\nlow_battery_pct = 30\n", True),
        ("[regions.taipei]\nlow_battery_pct = 30\n", False),
    ],
)
def test_regional_override_changes_the_rule_end_to_end(tmp_path: Path, overrides: str, raised: bool) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(overrides, encoding="utf-8")
    h = Harness(config=RuleConfig.load(path))  # a keelung trip between the example sites
    dep = h.depart_active()
    h.status(dep + 1, pos=route(10)[5], battery=25)
    assert ("A10" in h.codes()) is raised, h.rows()
