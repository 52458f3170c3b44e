"""Tests of corridor.io.files: JSON nesting limits and atomic writing that names the user's path.

Failure points are real, not mocked: /proc and /sys refuse new files (the tests run as root, so a
chmod'ed folder would not), a file stands where a folder is expected, a folder where a file is,
and RLIMIT_FSIZE makes a write fail in a child process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.cli import main
from corridor.exceptions import InputError
from corridor.io.files import MAX_JSON_DEPTH, _too_deep, atomic_dir, atomic_file, read_json

# --- JSON nesting ---------------------------------------------------------------------------------


def _read_error(path: Path, text: str, **kw: Any) -> InputError:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_json(path, **kw)
    return err.value


def test_deeply_nested_arrays_are_refused_without_recursion(tmp_path: Path) -> None:
    n = 100_000
    text = '{"type": "FeatureCollection",\n "features": [\n  {"geometry": {"coordinates": ' + "[" * n + "]" * n + "}}]}"
    err = _read_error(tmp_path / "deep.json", text)
    (p,) = err.problems
    assert p.where == f"{tmp_path / 'deep.json'}:3"
    assert p.field == "features[0].geometry.coordinates…"
    assert p.message == (f"nested more than {MAX_JSON_DEPTH} levels deep (corridor reads JSON up to "
                         f"{MAX_JSON_DEPTH} levels of [ ] and {{ }})")


def test_deeply_nested_objects_in_a_property(tmp_path: Path) -> None:
    text = '{"features": [{}, {"properties": {"note": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}}]}"
    (p,) = _read_error(tmp_path / "deep.json", text).problems
    assert p.where.endswith("deep.json:1")
    assert p.field == "features[1].properties.note…"


def test_depth_limit_is_exact(tmp_path: Path) -> None:
    """The top-level value is level 1: 64 nested arrays pass, 65 do not."""
    path = tmp_path / "x.json"
    path.write_text("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)
    assert read_json(path) is not None
    err = _read_error(path, "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))
    assert err.problems[0].field == "[0][0][0][0]…"
    assert read_json(path, max_depth=MAX_JSON_DEPTH + 1) is not None


def test_brackets_in_strings_do_not_count(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    doc = {"a": "[[[[" * 100, "b\\": "\\", 'c"': '"[' * 100, "d": ["\\\"{{{{" * 100]}
    path.write_text(json.dumps(doc))
    assert read_json(path, max_depth=2) == doc
    path.write_text(json.dumps({'k"[': [[[1]]]}))
    assert _read_error(path, path.read_text(), max_depth=3).problems[0].field == 'k"[[0][0]'


@pytest.mark.parametrize(("text", "where", "message"), [
    ("[" + "1" * 5000 + "]", "x.json", "not valid JSON: Exceeds the limit (4300 digits)"),
    ('{"a": 1,\n "b": }', "x.json:2", "not valid JSON: Expecting value (column 7)"),
    ('["' + '\\"[' * 10_000, "x.json:1", "not valid JSON: Unterminated string"),
])
def test_not_json(tmp_path: Path, text: str, where: str, message: str) -> None:
    (p,) = _read_error(tmp_path / "x.json", text).problems
    assert p.where == str(tmp_path / where)
    assert p.message.startswith(message)


def _depth(value: Any) -> int:
    """Reference: nesting depth of a parsed JSON value (a scalar is 0)."""
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


_tricky = st.text(alphabet='[]{}"\\ab,:\n', max_size=6)
_json = st.recursive(
    st.none() | st.integers() | _tricky,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_tricky, inner, max_size=3),
    max_leaves=30,
)


@given(_json, st.integers(0, 8), st.sampled_from([None, 1]))
def test_depth_matches_the_parsed_value(value: Any, limit: int, indent: int | None) -> None:
    data = json.dumps(value, indent=indent).encode()
    line = _too_deep(data, limit)
    assert (line is None) == (_depth(value) <= limit)


# --- atomic_file ----------------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _write_error(path: Path, body: str = "x") -> str:
    with pytest.raises(InputError) as err, atomic_file(path) as tmp:
        tmp.write_text(body)
    assert len(err.value.problems) == 1
    assert ".tmp" not in str(err.value)
    return str(err.value)


@pytest.mark.parametrize(("path", "reason"), [
    ("/proc/corridor-missing/x.geojson", "No such file or directory"),  # creating the folder
    ("/proc/x.geojson", "No such file or directory"),  # creating the temporary file
    ("/sys/x.geojson", "Permission denied"),  # creating the temporary file in a read-only folder
])
def test_atomic_file_unwritable_system_paths(path: str, reason: str) -> None:
    assert _write_error(Path(path)) == f"{path}: cannot write: {reason}"


def test_atomic_file_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    target = tmp_path / "file" / "sub" / "x.geojson"
    assert _write_error(target) == f"{target}: cannot write: {str(tmp_path / 'file')!r} is a file, not a folder"
    assert _leftovers(tmp_path) == []


def test_atomic_file_rename_onto_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "x.geojson"
    target.mkdir()
    assert _write_error(target) == f"{target}: cannot write: Is a directory"
    assert _leftovers(tmp_path) == []
    assert target.is_dir()


_FSIZE_CHILD = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    from corridor.exceptions import InputError
    from corridor.io.files import atomic_dir, atomic_file
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
    target = Path(sys.argv[1])
    try:
        with (atomic_file if sys.argv[2] == "file" else atomic_dir)(target) as tmp:
            (tmp if sys.argv[2] == "file" else tmp / "a.csv").write_text("x" * 5000)
    except InputError as e:
        print(e)
""")


@pytest.mark.parametrize("kind", ["file", "dir"])
def test_atomic_write_that_fails_while_writing(tmp_path: Path, kind: str) -> None:
    target = tmp_path / ("out.geojson" if kind == "file" else "out")
    p = subprocess.run([sys.executable, "-c", _FSIZE_CHILD, str(target), kind], capture_output=True, text=True,
                       check=True)
    assert p.stdout.strip() == f"{target}: cannot write: File too large"
    assert list(tmp_path.iterdir()) == []


def test_atomic_file_keeps_other_errors_and_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    target.write_text("old")

    def fail(error: Exception) -> None:
        with atomic_file(target) as tmp:
            tmp.write_text("new")
            raise error

    with pytest.raises(KeyError):
        fail(KeyError("boom"))
    with pytest.raises(InputError, match="bad value"):
        fail(InputError("bad value"))
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_atomic_file_writes(tmp_path: Path) -> None:
    target = tmp_path / "new" / "x.txt"
    with atomic_file(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"
    assert _leftovers(target.parent) == []


# --- atomic_dir -----------------------------------------------------------------------------------


def _dir_error(path: Path) -> str:
    with pytest.raises(InputError) as err, atomic_dir(path) as tmp:
        (tmp / "a.csv").write_text("a")
    assert ".tmp" not in str(err.value)
    return str(err.value)


@pytest.mark.parametrize(("path", "reason"), [
    ("/proc/corridor-missing/out", "No such file or directory"),
    ("/proc/out", "No such file or directory"),
    ("/sys/out", "Operation not permitted"),
])
def test_atomic_dir_unwritable_system_paths(path: str, reason: str) -> None:
    assert _dir_error(Path(path)) == f"{path}: cannot write: {reason}"


def test_atomic_dir_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert _dir_error(tmp_path / "file") == f"{tmp_path / 'file'}: exists and is not a directory"
    target = tmp_path / "file" / "out"
    assert _dir_error(target) == f"{target}: cannot write: {str(tmp_path / 'file')!r} is a file, not a folder"
    assert _leftovers(tmp_path) == []


def test_atomic_dir_replaces_nothing_when_one_file_cannot_be(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_text("old a")
    (out / "b.csv").mkdir()

    def write() -> None:
        with atomic_dir(out) as tmp:
            (tmp / "a.csv").write_text("new a")
            (tmp / "b.csv").write_text("new b")

    with pytest.raises(InputError) as err:
        write()
    assert str(err.value) == f"{out / 'b.csv'}: is a folder; cannot replace it with a file"
    assert (out / "a.csv").read_text() == "old a"
    assert _leftovers(tmp_path) == []


def test_atomic_dir_writes_new_and_existing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for content in ("one", "two"):
        with atomic_dir(out) as tmp:
            (tmp / "a.csv").write_text(content)
        assert (out / "a.csv").read_text() == content
    (out / "keep.txt").write_text("mine")
    with atomic_dir(out) as tmp:
        (tmp / "a.csv").write_text("three")
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "keep.txt"]
    assert _leftovers(tmp_path) == []


# --- through the command line ---------------------------------------------------------------------


@pytest.mark.parametrize(("args", "path"), [
    (["network", "export", "/proc/x.geojson"], "/proc/x.geojson"),
    (["network", "export", "--format", "csv", "/proc/x/net"], "/proc/x/net"),
    (["route", "Almaty", "Poti", "--geojson", "/sys/r.geojson"], "/sys/r.geojson"),
])
def test_cli_names_the_path_the_user_gave(capsys: pytest.CaptureFixture[str], args: list[str], path: str) -> None:
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}: cannot write: ")
    assert ".tmp" not in err
