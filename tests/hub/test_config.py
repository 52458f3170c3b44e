from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import yaml

from corridor.exceptions import InputError
from corridor.hub import NoSteadyStateWarning, builtin_configs, load_config
from corridor.hub.config import config_path
from corridor.model import Status

SHIPPED = config_path("aktau-hub.yaml").read_text(encoding="utf-8")


def _params(node, path=""):
    """Every figure of a shipped config: mappings with a value (not distributions themselves)."""
    if isinstance(node, dict):
        if "value" in node and "dist" not in node:
            yield path, node
            return
        for k, v in node.items():
            if k in ("name", "kind", "direction", "description", "mode", "basis"):
                continue
            yield from _params(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _params(v, f"{path}[{i}]")
    else:
        yield path, None  # a bare figure without source


def test_builtin_configs_listed():
    assert "aktau-hub" in builtin_configs()


@pytest.mark.parametrize("name", ["aktau-hub", "aktau-hub-200k", "mm2-example"])
def test_every_shipped_figure_has_source_and_status(name):
    data = yaml.safe_load(config_path(f"{name}.yaml").read_text(encoding="utf-8"))
    params = list(_params(data))
    assert len(params) >= 3
    for path, p in params:
        assert p is not None, f"{name}: {path} has no source/status"
        assert p.get("source"), path
        Status(p["status"])  # a known status


def test_main_config_design_figures(aktau):
    assert aktau.capacity_teu_per_yr == 240_000
    assert aktau.tracks == 3
    assert aktau.yard_slots == 690
    assert "240,000" in aktau.capacity_basis
    assert aktau.provenance["rail.tracks"].source == "LYG25+AIOM"
    assert aktau.storm_share_by_month[10] == aktau.storm_share_by_month[11] == 0.5
    assert aktau.provenance["storms.closure_share_by_month"].keys[0] == "EVR"


def _broken(write_yaml, old: str, new: str) -> InputError:
    assert old in SHIPPED
    path = write_yaml(SHIPPED.replace(old, new, 1))
    with pytest.raises(InputError) as e:
        load_config(path)
    return e.value


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_unknown_field_named_with_line_and_suggestion(write_yaml):
    err = _broken(write_yaml, "  ground_slots:", "  ground_slot:")
    msg = str(err)
    assert "ground_slot" in msg and "did you mean 'ground_slots'" in msg
    assert f"hub.yaml:{_line_of(SHIPPED, '  ground_slots:')}" in msg


def test_unknown_distribution(write_yaml):
    err = _broken(write_yaml, "{dist: lognormal, mean: 48, cv: 1.0}", "{dist: lognormul, mean: 48, cv: 1.0}")
    assert "unknown distribution 'lognormul'" in str(err) and "did you mean 'lognormal'" in str(err)
    assert "customs_dwell_h" in str(err)


@pytest.mark.parametrize(("old", "new", "field"), [
    ("moves_per_h:\n    value: 24", "moves_per_h:\n    value: -24", "cranes.moves_per_h"),
    ("moves_per_h:\n    value: 24", "moves_per_h:\n    value: 0", "cranes.moves_per_h"),
    ("{dist: lognormal, mean: 4.25, cv: 0.3}", "{dist: lognormal, mean: 0, cv: 0.3}", "handling_h.mean"),
    ("ground_slots:\n    value: 690", "ground_slots:\n    value: 0", "yard.ground_slots"),
    ("tiers:\n    value: 4", "tiers:\n    value: 9", "yard.tiers"),
    ("ground_slots:\n    value: 690", "ground_slots:\n    value: 20", "teu_per_call"),
    ("share: {value: 0.9, source: ASSUMPTION, status: assumption}",
     "share: {value: 0.5, source: ASSUMPTION, status: assumption}", "services"),
    ("status: measured\n    note: >\n      STS", "status: measurd\n    note: >\n      STS", "status"),
])
def test_bad_values_name_the_field(write_yaml, old, new, field):
    err = _broken(write_yaml, old, new)
    assert field in str(err)
    assert all(p.where.startswith("hub.yaml") for p in err.problems)


def test_malformed_yaml_gives_line(write_yaml):
    path = write_yaml("name: x\nberths:\n  count: [1, 2\nyard: {}\n")
    with pytest.raises(InputError, match=r"hub.yaml:\d+: malformed YAML"):
        load_config(path)


def test_missing_file():
    with pytest.raises(InputError, match="cannot read"):
        load_config(Path("/nonexistent/hub.yaml"))
    with pytest.raises(InputError, match="no such config"):
        load_config("no-such-hub")


def test_queue_utilisation_at_or_above_one_warns(write_yaml, queue_yaml):
    path = write_yaml(queue_yaml(1, 1.0, "deterministic", "value", 1.0))
    with pytest.warns(NoSteadyStateWarning, match="no steady state"):
        cfg = load_config(path)
    assert cfg.queue.utilisation == 1.0


def test_queue_config_rejects_hub_fields(write_yaml, queue_yaml):
    text = queue_yaml(2, 1.0, "exponential", "mean", 1.5) + "berths: {count: 2}\n"
    with pytest.raises(InputError, match="berths"):
        load_config(write_yaml(text))


def test_replace_validates(aktau):
    assert aktau.replace(berths=3).berths == 3
    with pytest.raises(InputError, match=r"berths\.count"):
        aktau.replace(berths=0)


def test_overloaded_hub_warns(aktau):
    from corridor.hub.config import _warn_load

    cfg = aktau.replace(tracks=1, demand_teu_per_yr=1_000_000.0)
    with pytest.warns(NoSteadyStateWarning, match="tracks"):
        _warn_load(cfg)


def test_no_warning_for_shipped_config():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_config("aktau-hub")
