"""Self-checks for the notebooks' exercises, with feedback that names the mistake.

Two kinds of exercise:

- value exercises: ``check_answer("02.1", your_answer)`` compares a number or array with the
  answer, computed from the helpers (never stored as a literal, so it cannot drift);
- implementation exercises: ``check_function("rnn_step_forward", your_function)`` runs your
  function on several fixed inputs (the original example, other sizes, a batch) and compares it
  with ``rnn_helpers.reference``.

When an answer is wrong, both compare it with *mistaken* answers: the reference with one usual
mistake put in (a weight transposed, the bias left out, tanh missing, ...). If yours agrees with
one of them, the message names that mistake and says where to look.

The package reads in this order: ``engine`` (running and judging, NumPy only: no reference code),
``messages`` (what the checks say), ``mutants`` (how a mistaken answer is built from the reference),
then one module per notebook, ``notebook01`` ... ``notebook10``, each holding that notebook's
exercises and their tables of mistakes (``IMPLEMENTATIONS``, ``VALUE_EXERCISES``). ``stored`` writes
and reads the same judging as data, for the graded (nbgrader) edition.
"""

from functools import cache

from . import (
    notebook01,
    notebook02,
    notebook03,
    notebook04,
    notebook05,
    notebook06,
    notebook07,
    notebook08,
    notebook09,
    notebook10,
)
from .engine import Case, Implementation, Mistake, ValueExercise, check_name, judge_prepared, judge_value, prepare

NOTEBOOKS = (notebook01, notebook02, notebook03, notebook04, notebook05, notebook06, notebook07, notebook08, notebook09,
             notebook10)
IMPLEMENTATIONS = {name: exercise for module in NOTEBOOKS for name, exercise in vars(module).get(
    "IMPLEMENTATIONS", {}).items()}
VALUE_EXERCISES = {name: exercise for module in NOTEBOOKS for name, exercise in vars(module).get(
    "VALUE_EXERCISES", {}).items()}

__all__ = ["IMPLEMENTATIONS", "VALUE_EXERCISES", "Case", "Implementation", "Mistake", "ValueExercise", "check_answer",
           "check_function", "judge", "judge_function"]


@cache
def prepared(name):
    """The expected and mistaken results of implementation exercise ``name``, computed once."""
    return prepare(IMPLEMENTATIONS[name])


def judge_function(name, function):
    """Run ``function`` as implementation exercise ``name`` and judge it against the reference.

    Returns (passed, message). The message says "correct", "not done yet", which usual mistake
    the results show and where to look, or, for an exception, the line of your code it came from.
    A function that changes its arguments in place, or calls the answer, is refused by name.
    """
    check_name(name, IMPLEMENTATIONS, "implementation")
    return judge_prepared(name, function, prepared(name))


def check_function(name, function):
    """Print whether ``function`` solves implementation exercise ``name`` (see ``judge_function``)."""
    print(judge_function(name, function)[1])


def judge(name, answer):
    """Compare ``answer`` to value exercise ``name``'s answer. Returns (is_correct, message)."""
    check_name(name, VALUE_EXERCISES, "value")
    exercise = VALUE_EXERCISES[name]
    return judge_value(name, answer, exercise.question, exercise.answer(), exercise.tolerance,
                       [(what, wrong()) for what, wrong in exercise.mistakes])


def check_answer(name, answer):
    """Print whether ``answer`` solves value exercise ``name`` (see ``VALUE_EXERCISES``)."""
    print(judge(name, answer)[1])
