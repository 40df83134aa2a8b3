"""The judging engine: run a student's function on fixed cases and compare with expected and mistaken results.

It needs only NumPy and ``messages``: no reference implementation. What an exercise expects comes
prepared (``Prepared``): the cases, the expected result of each, and the result of each usual
mistake on each case. ``prepare`` computes them from an ``Implementation`` (the reference and its
mutants, in the notebook modules); the graded edition loads them from a data file instead
(``stored``), so the same judging runs where no reference code is shipped.

What the engine refuses, before comparing values: a function that changes its arguments in place,
and a function that calls the answer (the reference, or the helper that solves the exercise).
"""

import copy
import inspect
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import messages

# ---------------------------------------------------------------------------------------------
# What an exercise is
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One set of arguments an implementation is run on."""

    label: str  # for messages: "the original example", "a batch of 4 sequences", ...
    arguments: tuple
    batch: bool = False


@dataclass(frozen=True)
class Mistake:
    """A usual mistake: what it is, where to look, and the reference with the mistake put in.

    ``mutant`` takes the exercise's arguments and returns what an implementation with this mistake
    returns. ``compare`` limits the comparison to some of the returned values (None: all).
    """

    what: str
    where: str
    mutant: Callable
    compare: tuple | None = None


@dataclass(frozen=True)
class Implementation:
    """An implementation exercise: the reference, the inputs to try, the usual mistakes.

    ``answers`` are the functions that solve the exercise (the reference, the fast helper): a student's
    function that calls one of them is refused. The reference is always one of them.
    """

    reference: Callable
    returns: tuple  # names of the returned values, e.g. ("h_t", "y_t"); one name: a single value
    cases: Callable  # () -> list of Case, one sequence first, then batches
    mistakes: tuple
    shape_hint: str  # said after a shape error inside the student's code
    batch_hint: str = ""  # said when one sequence works and a batch does not (an error or a wrong shape)
    answers: tuple = ()


@dataclass(frozen=True)
class ValueExercise:
    """A value exercise: the question, the answer, a tolerance, and the usual wrong answers.

    ``mistakes`` holds (what it looks like, function computing that wrong answer) pairs.
    """

    question: str
    answer: Callable
    tolerance: float
    mistakes: tuple = field(default=())


@dataclass(frozen=True)
class PreparedMistake:
    what: str
    where: str
    compare: tuple | None
    results: tuple  # per case: the flattened mistaken result, or None where the mistake raises


@dataclass(frozen=True)
class Prepared:
    """Everything judging needs, as data: no function of the reference in it."""

    returns: tuple
    parameters: tuple  # the argument names, for "your function changed `grads` in place"
    cases: tuple
    expected: tuple  # per case: the flattened expected result
    mistakes: tuple  # of PreparedMistake
    shape_hint: str
    batch_hint: str
    answers: frozenset  # "module.qualname" of every function that is the answer


def qualified_name(function):
    return f"{function.__module__}.{function.__qualname__}"


def prepare(exercise):
    """The data of an ``Implementation``: expected and mistaken results on every case."""
    cases = tuple(exercise.cases())
    expected = tuple(flatten(exercise.reference(*copy.deepcopy(case.arguments)), exercise.returns) for case in cases)
    mistakes = tuple(PreparedMistake(mistake.what, mistake.where, mistake.compare,
                                     tuple(mistaken_result(mistake, case, exercise.returns) for case in cases))
                     for mistake in exercise.mistakes)
    return Prepared(exercise.returns, tuple(inspect.signature(exercise.reference).parameters), cases, expected,
                    mistakes, exercise.shape_hint, exercise.batch_hint,
                    frozenset(qualified_name(function) for function in (exercise.reference, *exercise.answers)))


def check_name(name, known, kind):
    """The exercise's name must be a string of ``known`` (a list, say, is a TypeError naming the argument)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be the {kind} exercise's name, a string such as {sorted(known)[0]!r}; "
                        f"got {type(name).__name__} {name!r}")
    if name not in known:
        raise ValueError(f"unknown {kind} exercise {name!r}; known: {sorted(known)}")


# ---------------------------------------------------------------------------------------------
# Running the student's function
# ---------------------------------------------------------------------------------------------


class _AnswerCalls:
    """A profiler that notes every call of a function in ``answers`` ("module.qualname")."""

    def __init__(self, answers):
        self.answers, self.seen = answers, []

    def __call__(self, frame, event, argument):
        if event == "call":
            code = frame.f_code
            called = f"{frame.f_globals.get('__name__')}.{getattr(code, 'co_qualname', code.co_name)}"
            if called in self.answers and called not in self.seen:
                self.seen.append(called)


@dataclass
class Run:
    result: object = None
    error: BaseException | None = None
    answer_calls: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # argument names (and keys) changed in place


def run(function, case, prepared):
    """Call ``function`` on a copy of the case's arguments; note answer calls and arguments changed in place."""
    arguments, pristine = copy.deepcopy(case.arguments), copy.deepcopy(case.arguments)
    watcher = _AnswerCalls(prepared.answers)
    outcome = Run()
    previous = sys.getprofile()
    sys.setprofile(watcher)
    try:
        with np.errstate(all="ignore"):  # an overflow is diagnosed in the message, not warned about
            outcome.result = function(*arguments)
    except Exception as error:  # any mistake in the student's code: report it, do not crash the notebook
        outcome.error = error
    finally:
        sys.setprofile(previous)
    outcome.answer_calls = watcher.seen
    outcome.changed = [f"{name}{where}" for name, before, after in zip(prepared.parameters, pristine, arguments,
                                                                        strict=False)
                       for where in _changes(before, after)]
    return outcome


def _changes(before, after, where=""):
    """Where ``after`` differs from ``before``: "" for the whole value, "['Wx']" for a key of a dict."""
    if isinstance(before, dict) and isinstance(after, dict):
        if before.keys() != after.keys():
            return [where]
        return [found for key in before for found in _changes(before[key], after[key], f"{where}[{key!r}]")]
    if isinstance(before, np.ndarray):
        same = (isinstance(after, np.ndarray) and after.shape == before.shape
                and np.array_equal(after, before, equal_nan=True))
        return [] if same else [where]
    return []


def notebook_variables_read(function):
    """Names of data (not modules, functions or classes) the function reads from the notebook or a closure."""
    def names(code):
        found = set(code.co_names)
        for constant in code.co_consts:
            if isinstance(constant, types.CodeType):
                found |= names(constant)
        return found

    def is_data(value):
        return not (inspect.ismodule(value) or callable(value))

    code = getattr(function, "__code__", None)
    if code is None:
        return []
    namespace = getattr(function, "__globals__", {})
    read = [name for name in sorted(names(code)) if name in namespace and is_data(namespace[name])]
    for name, cell in zip(code.co_freevars, function.__closure__ or (), strict=True):
        try:
            if is_data(cell.cell_contents):
                read.append(name)
        except ValueError:  # an empty cell
            pass
    return read


# ---------------------------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------------------------


def as_numbers(value):
    """An ndarray of real numbers, or None for anything else (strings, None, complex numbers, objects)."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):  # ragged lists
        return None
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        return None
    return array


def flatten(result, returns):
    """{'h_t': array, "grads['Wx']": array, ...} from a returned value; None if it is not shaped like ``returns``."""
    if len(returns) == 1:
        parts = {returns[0]: result}
    elif isinstance(result, tuple | list) and len(result) == len(returns):
        parts = dict(zip(returns, result, strict=True))
    else:
        return None
    flat = {}
    for name, value in parts.items():
        if isinstance(value, dict):
            flat.update({f"{name}[{key!r}]": as_numbers(item) for key, item in value.items()})
        else:
            flat[name] = as_numbers(value)
    return flat


def agree(actual, expected, rtol=1e-6, atol=1e-9):
    """Same shape, same values to 1e-6 relative, and NaN/inf in the same places."""
    if actual is None or actual.shape != expected.shape:
        return False
    finite = np.isfinite(expected)
    if not np.array_equal(np.isfinite(actual), finite):
        return False
    return bool(np.allclose(actual[finite], expected[finite], rtol=rtol, atol=atol))


def matches(flat, expected_flat, keys=None):
    if flat is None or expected_flat is None or flat.keys() != expected_flat.keys():
        return False
    return all(agree(flat[key], expected_flat[key]) for key in expected_flat
               if keys is None or key.split("[")[0] in keys)


def mistaken_result(mistake, case, returns):
    """What an implementation with ``mistake`` returns on ``case``, flattened; None if it raises."""
    try:
        with np.errstate(all="ignore"):
            return flatten(mistake.mutant(*copy.deepcopy(case.arguments)), returns)
    except (ValueError, IndexError):  # e.g. a transposed weight that does not fit: not a value to match
        return None


def low_precision_only(flat, expected_flat):
    """The wrong values are float32 (or float16) and agree with the expected ones to that precision."""
    if flat is None or flat.keys() != expected_flat.keys():
        return []
    wrong = [key for key in expected_flat if not agree(flat[key], expected_flat[key])]
    low = [key for key in wrong if flat[key] is not None and flat[key].dtype in (np.float32, np.float16)
           and agree(flat[key], expected_flat[key], rtol=1e-3 if flat[key].dtype == np.float16 else 1e-4, atol=1e-6)]
    return low if wrong and low == wrong else []


def common_factor(flat, expected_flat):
    """The one number c != 1 with (every wrong value) = c * (its expected value), or None."""
    if flat is None or flat.keys() != expected_flat.keys():
        return None
    wrong = [key for key in expected_flat if not agree(flat[key], expected_flat[key])]
    if not wrong or any(flat[key] is None or flat[key].shape != expected_flat[key].shape
                        or not np.all(np.isfinite(flat[key])) for key in wrong):
        return None
    pairs = [(flat[key][np.abs(expected_flat[key]) > 1e-8], expected_flat[key][np.abs(expected_flat[key]) > 1e-8])
             for key in wrong]
    first = next(((actual, expected) for actual, expected in pairs if expected.size), None)
    if first is None:
        return None
    factor = float(first[0].flat[0] / first[1].flat[0])
    if np.isclose(factor, 1.0) or not all(agree(flat[key], factor * expected_flat[key]) for key in wrong):
        return None
    return factor


# ---------------------------------------------------------------------------------------------
# Judging
# ---------------------------------------------------------------------------------------------


def judge_prepared(name, function, prepared):
    """Run ``function`` on every prepared case and judge it. Returns (passed, message)."""
    if not callable(function):
        raise TypeError(f"function must be the function you wrote (callable), got {type(function).__name__}")
    cases = prepared.cases
    for number, case in enumerate(cases):
        outcome = run(function, case, prepared)
        if outcome.answer_calls:
            return False, messages.calls_the_answer(name, outcome.answer_calls)
        if isinstance(outcome.error, NotImplementedError):
            return False, messages.not_done(name, function, outcome.error)
        if outcome.error is not None:
            return False, messages.error_report(name, outcome.error, case,
                                                _error_hint(function, prepared, number, outcome.error))
        if outcome.changed:
            return False, messages.changed_in_place(name, outcome.changed)
        if outcome.result is None:
            return False, f"{name}: not done yet, or the `return` line is missing: your function returned None."
        message = _judge_result(name, function, prepared, number, flatten(outcome.result, prepared.returns))
        if message:
            return False, message
    return True, f"{name}: correct! (checked on {len(cases)} inputs: {', '.join(case.label for case in cases)})"


def _error_hint(function, prepared, number, error):
    """Advice after an exception: only for what the exception and the earlier cases show."""
    case, cases = prepared.cases[number], prepared.cases
    read = notebook_variables_read(function)
    if number > 0 and read:
        return f"It works on {cases[0].label}, not on other sizes. {messages.reads_notebook_variables(read)}"
    if case.batch and prepared.batch_hint and number > 0:  # the cases before, one sequence each, passed
        return f"It works for one sequence, not yet for a batch. {prepared.batch_hint}"
    return prepared.shape_hint


def _judge_result(name, function, prepared, number, flat):
    """None if ``flat`` is right on case ``number``, else the message that says what it shows."""
    case, expected = prepared.cases[number], prepared.expected[number]
    if matches(flat, expected):
        return None
    where = f"On {case.label}: {messages.difference(flat, expected, prepared.returns)}."
    if flat is not None and flat.keys() != expected.keys():
        extra = [key for key in flat if key not in expected]
        if extra and all(key in flat for key in expected):
            rest_right = all(agree(flat[key], value) for key, value in expected.items())
            return messages.extra_keys(name, extra, rest_right, where)
    low = low_precision_only(flat, expected)
    if low:
        return messages.low_precision(name, low, flat, where)
    seen = [mistake for mistake in prepared.mistakes
            if mistake.results[number] is not None and matches(flat, mistake.results[number], mistake.compare)]
    if seen:
        return f"{name}: not correct yet. It looks like {seen[0].what}. {seen[0].where}\n{where}"
    factor = common_factor(flat, expected)
    if factor is not None:
        earlier = f" (right on {cases_before(prepared, number)})" if number > 0 else ""
        return f"{name}: not correct yet{earlier}. {messages.scaled(factor)}\n{where}"
    if number > 0:
        read = notebook_variables_read(function)
        if read:
            return (f"{name}: correct on {prepared.cases[0].label}, not on {case.label}. "
                    f"{messages.reads_notebook_variables(read)}\n{where}")
        if matches(flat, prepared.expected[0]):
            return (f"{name}: on {case.label} your function returns the answer of {prepared.cases[0].label}: "
                    f"{messages.NOTEBOOK_ANSWER}\n{where}")
        shapes_differ = flat is not None and any(
            flat[key] is None or flat[key].shape != expected[key].shape for key in expected if key in flat)
        if case.batch and prepared.batch_hint and shapes_differ:
            return f"{name}: correct for one sequence, not yet for a batch. {prepared.batch_hint}\n{where}"
        return f"{name}: correct on {cases_before(prepared, number)}, not on {case.label}.\n{where}"
    return f"{name}: not correct yet. {where}"


def cases_before(prepared, number):
    return ", ".join(case.label for case in prepared.cases[:number])


# ---------------------------------------------------------------------------------------------
# Value exercises
# ---------------------------------------------------------------------------------------------


def _tolerance(answer, expected, tolerance):
    """The exercise's tolerance, widened to the precision of a float32 (or float16) answer."""
    if np.issubdtype(answer.dtype, np.floating):
        return max(tolerance, 8 * np.finfo(answer.dtype).eps * max(1.0, float(np.max(np.abs(expected)))))
    return tolerance


def close(answer, expected, tolerance):
    expected = np.asarray(expected)
    return answer.shape == expected.shape and bool(
        np.all(np.abs(answer.astype(float) - expected) <= _tolerance(answer, expected, tolerance)))


def _judge_tuple(prefix, answer, expected, mistakes):
    """The answer to a shape question: say which size is wrong."""
    if not isinstance(answer, tuple | list) or len(answer) != len(expected):
        return False, f"{prefix} expected a tuple of {len(expected)} sizes, like (rows, columns); got {answer!r}."
    if tuple(answer) == tuple(expected):
        return True, f"{prefix} correct!"
    which = ["rows (the first size)", "columns (the second size)"]
    wrong_sizes = [which[i] if i < 2 else f"size {i + 1}" for i in range(len(expected)) if answer[i] != expected[i]]
    message = f"{prefix} the number of {' and '.join(wrong_sizes)} is wrong"
    for what, wrong in mistakes:
        if tuple(answer) == tuple(wrong):
            return False, f"{message}: {what}."
    return False, f"{message}. Hint: rows come first."


def judge_value(name, answer, question, expected, tolerance, mistakes):
    """Compare ``answer`` with ``expected``; ``mistakes`` holds (what it looks like, the wrong answer) pairs.

    Returns (is_correct, message): the message names the usual mistake the answer shows, or says what
    is off (type, shape, largest difference).
    """
    prefix = f"Exercise {name}:"
    if answer is None:
        return False, f"{prefix} not done yet: replace None with {question}."
    if isinstance(expected, tuple):
        return _judge_tuple(prefix, answer, expected, mistakes)
    if isinstance(answer, str):
        if answer.strip().endswith("%"):
            return False, (f"{prefix} give a number, not the string {answer!r}: a fraction, written as a "
                           "number between 0 and 1 (25% is 0.25).")
        return False, f"{prefix} give a number, not the string {answer!r}."
    try:
        answer = np.asarray(answer)
    except ValueError:
        return False, f"{prefix} expected a number or an array of numbers; the rows of your list differ in length."
    if np.iscomplexobj(answer):
        return False, f"{prefix} expected a real number, got a complex one ({answer.tolist()})."
    if answer.dtype == bool or not np.issubdtype(answer.dtype, np.number):
        return False, f"{prefix} expected a number or an array of numbers, got {answer.dtype} values."
    expected = np.asarray(expected)
    if answer.shape != expected.shape:
        return False, (f"{prefix} expected shape {expected.shape}, got shape {answer.shape}."
                       f"{messages.shape_advice(answer.shape, expected.shape)}")
    if close(answer, expected, tolerance):
        if answer.dtype in (np.float32, np.float16) and not close(answer.astype(float), expected, tolerance):
            return True, (f"{prefix} correct to {answer.dtype} precision (your answer is {answer.dtype}; "
                          "NumPy computes in float64 unless told otherwise).")
        return True, f"{prefix} correct!"
    if not np.all(np.isfinite(answer)):
        return False, f"{prefix} your answer contains NaN or inf."
    for what, wrong in mistakes:
        if close(answer, wrong, tolerance):
            return False, f"{prefix} not quite: {what}."
    if expected.ndim == 0 and 0 <= expected <= 1 and close(answer, 100 * expected, 100 * tolerance):
        return False, f"{prefix} that is a percentage: give a fraction between 0 and 1 (25% is 0.25)."
    difference = np.abs(answer.astype(float) - expected)
    worst = np.unravel_index(np.argmax(difference), difference.shape) if difference.ndim else ()
    where = f" at index {tuple(int(i) for i in worst)}" if worst else ""
    return False, (f"{prefix} not quite: it is off by up to {difference.max():.3g}{where}. "
                   f"The question: {question}.")
