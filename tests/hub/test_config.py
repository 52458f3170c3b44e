from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from corridor.exceptions import InputError
from corridor.hub import Distribution, NoSteadyStateWarning, builtin_configs, load_config
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
    assert all(p.where.startswith(f"{path}:") for p in e.value.problems), "each names the path given, and a line"
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


def test_malformed_yaml_gives_line(write_yaml):
    path = write_yaml("name: x\nberths:\n  count: [1, 2\nyard: {}\n")
    with pytest.raises(InputError, match=r"hub.yaml:\d+: malformed YAML"):
        load_config(path)


def test_missing_file():
    with pytest.raises(InputError, match=r"^/nonexistent/hub\.yaml: file not found"):
        load_config(Path("/nonexistent/hub.yaml"))
    with pytest.raises(InputError, match="no such config"):
        load_config("no-such-hub")
    with pytest.raises(InputError, match=r"did you mean 'aktau-hub'.*\(built-in: aktau-hub, aktau-hub-200k, mm2-ex"):
        load_config("aktau-hb")


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


@pytest.mark.parametrize(("old", "new"), [
    ("value: 240000\n    source: LYG25+AIOM\n    status: plan\n    note: the hub", "value: 2.4e5\n    source: "
     "LYG25+AIOM\n    status: plan\n    note: the hub"),
    ("tracks:\n    value: 3", "tracks:\n    value: 3e0"),
    ("{dist: lognormal, mean: 48, cv: 1.0}", "{dist: lognormal, mean: 48e0, cv: 1e0}"),
])
def test_yaml_1_2_numbers_accepted(write_yaml, old, new):
    assert old in SHIPPED
    cfg = load_config(write_yaml(SHIPPED.replace(old, new, 1)))
    assert cfg.demand_teu_per_yr == 240_000 and cfg.tracks == 3 and cfg.customs_dwell_h.mean == 48


@pytest.mark.parametrize(("old", "new", "field", "bound"), [
    ("tracks:\n    value: 3", "tracks:\n    value: 1e12", "rail.tracks", "must be ≤ 1,000"),
    ("count:\n    value: 2\n    source: KZI23", "count:\n    value: 1000000000000\n    source: KZI23", "berths.count",
     "must be ≤ 1,000"),
    ("count:\n    value: 4", "count:\n    value: 1e12", "cranes.count", "must be ≤ 1,000"),
    ("lanes:\n    value: 2", "lanes:\n    value: 5000", "gate.lanes", "no terminal has more"),
    ("ground_slots:\n    value: 690", "ground_slots:\n    value: 1e12", "yard.ground_slots", "must be ≤ 1,000,000"),
    ("  teu_per_yr:\n    value: 240000", "  teu_per_yr:\n    value: 1e15", "demand.teu_per_yr", "Shanghai"),
    ("capacity_teu: {value: 110,", "capacity_teu: {value: 1e9,", "services[0].collects.capacity_teu", "24,000 TEU"),
    ("tracks:\n    value: 3", "tracks:\n    value: 2.5", "rail.tracks", "whole number"),
    ("tracks:\n    value: 3", "tracks:\n    value: true", "rail.tracks", "must be a number, not True"),
])
def test_counts_and_sizes_bounded_with_file_line_field(write_yaml, old, new, field, bound):
    err = _broken(write_yaml, old, new)
    assert len(err.problems) == 1
    p = err.problems[0]
    assert p.field == field and bound in p.message
    assert p.where.endswith(f":{SHIPPED[:SHIPPED.index(old)].count(chr(10)) + 1}")  # the line of the field's key


def test_queue_servers_and_arrival_rate_bounded(write_yaml, queue_yaml):
    """1e12 servers once ended in MemoryError (numpy.zeros(servers) in the queue kernel)."""
    with pytest.raises(InputError, match=r"hub\.yaml:4: queue\.servers: must be ≤ 1,000"):
        load_config(write_yaml(queue_yaml(10**12, 1.0, "exponential", "mean", 1.0)))
    with pytest.raises(InputError, match=r"queue\.arrivals: a mean of 1e-06 h between arrivals makes 8,760,000,000 "
                       r"customers a year; at most 5,000,000"):
        load_config(write_yaml(queue_yaml(2, 1e-6, "exponential", "mean", 1e-6)))


def test_calls_per_year_bounded(aktau):
    truck = next(i for i, s in enumerate(aktau.services) if s.kind == "truck")
    tiny = replace(aktau.services[truck], capacity_teu=1e-6)
    with pytest.raises(InputError, match=r"services: these services make [\d,]+ calls a year"):
        aktau.replace(services=(*aktau.services[:truck], tiny, *aktau.services[truck + 1:]))


def test_replace_checks_the_same_bounds(aktau):
    with pytest.raises(InputError, match=r"demand\.teu_per_yr: must be ≤ 100,000,000"):
        aktau.replace(demand_teu_per_yr=1e15)
    with pytest.raises(InputError, match=r"rail\.tracks: must be ≤ 1,000"):
        aktau.replace(tracks=10**12)


def test_old_distribution_name_gets_the_new_one(write_yaml):
    err = _broken(write_yaml, "{dist: discrete, values: [108, 120, 168]}", "{dist: empirical, values: [108, 120, 168]}")
    assert "storms.duration_h.dist: unknown distribution 'empirical'; did you mean 'discrete'?" in str(err)


@pytest.mark.parametrize(("new", "message"), [
    ("{dist: normal, mean: 48, sd: 20}", "can draw negative values (from -inf)"),
    ("{dist: uniform, low: -1, high: 97}", "can draw negative values (from -1)"),
    ("{dist: bernoulli, p: 1.5}", "customs_dwell_h.p: must be ≤ 1"),
])
def test_hub_refuses_negative_times(write_yaml, new, message):
    err = _broken(write_yaml, "{dist: lognormal, mean: 48, cv: 1.0}", new)
    assert message in str(err) and "customs_dwell_h" in str(err)


def test_every_family_of_the_vocabulary_that_cannot_go_negative_is_accepted(write_yaml):
    for new in ("{dist: normal, mean: 48, sd: 20, low: 0}", "{dist: lognormal, median: 30, sigma: 1, shift: 4}",
                "{dist: gamma, mean: 48, cv: 1}", "{dist: triangular, low: 12, mode: 24, high: 120}",
                "{dist: uniform, low: 0, high: 96}", "{dist: erlang, mean: 48, k: 2}"):
        cfg = load_config(write_yaml(SHIPPED.replace("{dist: lognormal, mean: 48, cv: 1.0}", new, 1)))
        assert cfg.customs_dwell_h.to_dict() == yaml.safe_load(new)


def test_alias_bomb_refused(write_yaml):
    bomb = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}' if i else 'x'] * 9)}]\n" for i in range(9))
    with pytest.raises(InputError, match=r"hub\.yaml:\d+: the file expands to more than 1,000,000 values"):
        load_config(write_yaml(bomb + SHIPPED))


def test_storms_must_last(aktau):
    with pytest.raises(InputError, match=r"storms\.duration_h: storms must last 1 h or more"):
        aktau.replace(storm_duration_h=Distribution.deterministic(1e-9))


def test_description_must_be_text(write_yaml):
    err = _broken(write_yaml, "description: >", "description: [a, b]\nx: >")
    assert "description: must be text, not a list" in str(err)
