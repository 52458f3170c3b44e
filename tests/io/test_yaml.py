"""The one YAML loader: lines of every key and item, YAML 1.2 numbers, duplicate keys, and bounds."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import corridor.io.files
from corridor.exceptions import InputError
from corridor.io import load_yaml, loads_yaml
from corridor.io.yaml import MAX_DEPTH, LocatedDict, LocatedList


def _refused(text: str, file: str = "f.yaml") -> str:
    with pytest.raises(InputError) as e:
        loads_yaml(text, file)
    assert len(e.value.problems) == 1
    return str(e.value)


def test_every_key_and_item_knows_its_line():
    doc = loads_yaml("name: x\nservices:\n  - kind: train\n    share: 0.9\n  - kind: truck\nyard: {slots: 1}\n",
                     "hub.yaml")
    assert isinstance(doc, LocatedDict) and isinstance(doc["services"], LocatedList)
    assert doc.where("name") == "hub.yaml:1" and doc.where("yard") == "hub.yaml:6"
    assert [doc["services"].where(i) for i in range(2)] == ["hub.yaml:3", "hub.yaml:5"]
    assert doc["services"][0].where("share") == "hub.yaml:4"
    assert doc["yard"].where("slots") == "hub.yaml:6"
    assert doc.where("missing") == doc.where() == "hub.yaml:1"


@pytest.mark.parametrize(("text", "value"), [
    ("2e5", 200000.0), ("15e0", 15.0), ("1.5e-3", 0.0015), ("-3E+2", -300.0), ("1_000", 1000), ("010", 10),
    ("0o17", 15), ("0x1f", 31), (".5", 0.5), ("true", True), ("False", False), ("~", None), ("null", None),
    # YAML 1.1 read these as booleans, sexagesimal numbers and dates; YAML 1.2 reads them as text
    ("NO", "NO"), ("yes", "yes"), ("on", "on"), ("1:30", "1:30"), ("2021-01-01", "2021-01-01"),
])
def test_yaml_1_2_scalars(text, value):
    got = loads_yaml(f"v: {text}\n")["v"]
    assert got == value and type(got) is type(value)


@given(st.one_of(st.integers(-10**9, 10**9), st.floats(allow_nan=False, allow_infinity=False, width=64)))
def test_numbers_read_back_as_written(x):
    assert loads_yaml(f"v: {x!r}\n")["v"] == x


def test_duplicate_key_refused_with_both_lines():
    assert _refused("name: a\nb: 1\nname: c\n") == "f.yaml:3: name: duplicate key (first on line 1)"


def test_merged_keys_may_be_overridden_but_not_repeated():
    doc = loads_yaml("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 3\n")
    assert doc["c"] == {"x": 3, "y": 2}
    assert "duplicate key" in _refused("base: &b {x: 1}\nc:\n  <<: *b\n  x: 3\n  x: 4\n")


def test_keys_must_be_words_or_numbers():
    assert "keys must be plain words or numbers" in _refused("? [1, 2]\n: 3\n")


def test_malformed_yaml_names_the_line():
    assert _refused("a: 1\nb: [1, 2\nc: 3\n").startswith("f.yaml:3: malformed YAML: expected ',' or ']'")
    assert _refused("a: *nowhere\n").startswith("f.yaml:1: malformed YAML: found undefined alias")


def _bomb(levels: int, width: int) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join([*lines, f"description: *l{levels - 1}", ""])


def test_alias_bomb_refused_at_the_alias_that_passes_the_limit():
    msg = _refused(_bomb(9, 9), "bomb.yaml")  # 9^9 ≈ 387 million values once expanded
    assert msg.startswith("bomb.yaml:") and "expands to more than 1,000,000 values" in msg
    line = int(msg.split(":")[1])
    assert 2 <= line <= 9  # an alias line, before the description that would use them


def test_aliases_within_the_limit_are_shared_not_copied():
    doc = loads_yaml(_bomb(3, 3))
    assert doc["description"] is doc["l2"] and len(doc["l2"]) == 3 and doc["l2"][0] is doc["l1"]
    with pytest.raises(InputError, match="expands to more than 20 values"):
        loads_yaml(_bomb(3, 3), max_nodes=20)


@pytest.mark.parametrize("text", ["a: &x [*x]\n", "a: &x {b: *x}\n", "a: &x [1, [2, *x]]\n"])
def test_recursive_alias_refused(text):
    assert "recursive alias" in _refused(text)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000])
def test_deep_nesting_refused_not_recursion_error(depth):
    assert f"nested more than {MAX_DEPTH} levels deep" in _refused("[" * depth + "]" * depth)


def test_nesting_up_to_the_limit_is_read():
    doc = loads_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    for _ in range(MAX_DEPTH - 1):
        doc = doc[0]
    assert doc == []


def test_containers_survive_pickling_with_their_lines():
    doc = loads_yaml("a:\n  b: [1, 2]\n", "p.yaml")
    back = pickle.loads(pickle.dumps(doc))
    assert back == doc and back["a"].where("b") == "p.yaml:2" and isinstance(back["a"]["b"], LocatedList)


def test_load_yaml_names_the_path_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "s.yaml").write_text("a: 1\na: 2\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=r"^s\.yaml:2: a: duplicate key"):
        load_yaml("s.yaml")
    with pytest.raises(InputError, match="file not found"):
        load_yaml("missing.yaml")
    monkeypatch.setattr(corridor.io.files, "MAX_INPUT_BYTES", 4)
    with pytest.raises(InputError, match="over the 0 MB limit"):
        load_yaml("s.yaml")


printable = st.characters(exclude_categories=("C",))  # YAML refuses control characters, escaped or not
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(printable, max_size=8))
documents = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                         st.dictionaries(st.text(printable, min_size=1, max_size=6),
                                                                         kids, max_size=4)), max_leaves=20)


@given(documents)
def test_reads_json_as_yaml_1_2_does(doc):
    assert loads_yaml(json.dumps({"doc": doc}, ensure_ascii=False)) == {"doc": doc}


@given(st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), st.integers(), min_size=1, max_size=20))
def test_block_mapping_lines_are_the_key_order(d):
    doc = loads_yaml(yaml.safe_dump(d, sort_keys=False), "m.yaml")
    assert [doc.where(k) for k in d] == [f"m.yaml:{i}" for i in range(1, len(d) + 1)]


def test_unprintable_characters_are_an_input_error():
    with pytest.raises(InputError, match="malformed YAML"):
        loads_yaml("\x1fname: x\n", "<request>")
