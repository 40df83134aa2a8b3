"""The judging as data, for the graded (nbgrader) edition, where no reference code is shipped.

``scripts/make_assignment.py`` writes each implementation exercise's ``Prepared`` (cases, expected
results, the results of every usual mistake) to a JSON file with ``to_data``, and copies this module,
``engine`` and ``messages`` next to it. In the graded notebooks, ``grade_function`` judges the student's
function against that file and ``grade_answer`` a value against the expected value its hidden test holds;
both raise AssertionError with the same message the self-checks print, which is what nbgrader shows
as feedback and how it gives the points.
"""

import json
from pathlib import Path

import numpy as np

from .engine import Case, Prepared, PreparedMistake, judge_prepared, judge_value

DATA_FILE = "cases.json"


def encode(value):
    """A JSON-able form of arrays, dicts, tuples and numbers (floats keep every digit)."""
    if isinstance(value, np.ndarray):
        return {"ndarray": value.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {"dict": {key: encode(item) for key, item in value.items()}}
    if isinstance(value, tuple | list):
        return {"tuple": [encode(item) for item in value]}
    return value


def decode(value):
    if isinstance(value, dict):
        if "ndarray" in value:
            return np.array(value["ndarray"], dtype=value["dtype"])
        if "dict" in value:
            return {key: decode(item) for key, item in value["dict"].items()}
        return tuple(decode(item) for item in value["tuple"])
    return value


def to_data(prepared):
    return {"returns": list(prepared.returns), "parameters": list(prepared.parameters),
            "cases": [{"label": case.label, "arguments": encode(case.arguments), "batch": case.batch}
                      for case in prepared.cases],
            "expected": [encode(flat) for flat in prepared.expected],
            "mistakes": [{"what": mistake.what, "where": mistake.where, "compare": mistake.compare,
                          "results": [encode(flat) for flat in mistake.results]} for mistake in prepared.mistakes],
            "shape_hint": prepared.shape_hint, "batch_hint": prepared.batch_hint,
            "answers": sorted(prepared.answers)}


def from_data(data):
    return Prepared(
        tuple(data["returns"]), tuple(data["parameters"]),
        tuple(Case(case["label"], decode(case["arguments"]), case["batch"]) for case in data["cases"]),
        tuple(decode(flat) for flat in data["expected"]),
        tuple(PreparedMistake(mistake["what"], mistake["where"],
                              None if mistake["compare"] is None else tuple(mistake["compare"]),
                              tuple(decode(flat) for flat in mistake["results"])) for mistake in data["mistakes"]),
        data["shape_hint"], data["batch_hint"], frozenset(data["answers"]))


def _load(name):
    data = json.loads((Path(__file__).with_name(DATA_FILE)).read_text())
    if name not in data:
        raise ValueError(f"unknown implementation exercise {name!r}; known: {sorted(data)}")
    return from_data(data[name])


def _passed_or_raise(passed, message):
    if not passed:
        raise AssertionError(message)
    print(message)


def grade_function(name, function):
    """Judge ``function`` as implementation exercise ``name``: print "correct!" or raise with what is wrong."""
    _passed_or_raise(*judge_prepared(name, function, _load(name)))


def grade_answer(name, answer, question, expected, tolerance, mistakes):
    """Judge a value exercise's ``answer`` against ``expected`` (encoded) and its usual mistakes (what, encoded)."""
    _passed_or_raise(*judge_value(name, answer, question, decode(expected), tolerance,
                                  [(what, decode(wrong)) for what, wrong in mistakes]))


def answer_given(name, answer):
    """The visible part of a value exercise's test: an answer is there (its value is judged by a hidden test)."""
    if answer is None:
        raise AssertionError(f"Exercise {name}: not done yet: replace None with your answer.")
    print(f"Exercise {name}: an answer is given; it is graded when you submit.")
