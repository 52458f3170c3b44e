"""Errors keep their message and fields across processes (a sweep's or simulation's workers)."""

from __future__ import annotations

import pickle

from corridor.exceptions import InputError, NetworkValidationError, NodeNotFound, Problem


def test_input_errors_survive_pickling() -> None:
    for e in (InputError([Problem("a.yaml:3", "factor", "must be >= 0, got -1"), Problem("b.csv:2", "", "x")]),
              NetworkValidationError(Problem("links.csv:4", "distance_km", "is NaN")), InputError("plain text")):
        back = pickle.loads(pickle.dumps(e))
        assert type(back) is type(e)
        assert str(back) == str(e)
        assert back.problems == e.problems


def test_node_not_found_survives_pickling() -> None:
    e = NodeNotFound("Aktu", ["Aktau"])
    back = pickle.loads(pickle.dumps(e))
    assert (str(back), back.query, back.suggestions) == (str(e), "Aktu", ["Aktau"])
