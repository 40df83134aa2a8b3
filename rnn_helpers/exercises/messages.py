"""The messages of the checks: what is wrong, where, and (only when the results show it) why.

Every sentence here states something the judging saw: a value off at an index, a key too many, an
argument changed, a line of the student's code that raised. Advice about a cause ("a notebook
variable", "a batch") is given only by the engine when that cause is shown.
"""

import sys
import sysconfig
import traceback
from pathlib import Path

import numpy as np

NOTEBOOK_ANSWER = ("does it use a variable from the notebook (params, Wx, ...) instead of the function's "
                   "arguments?")


def shape_advice(actual_shape, expected_shape):
    if actual_shape == expected_shape + (1,):
        return " That is a column vector where a 1-D array is expected: keep every vector 1-D."
    if len(expected_shape) >= 1 and actual_shape == expected_shape + expected_shape[-1:]:
        return " A column (H, 1) added to a vector (H,) broadcasts to (H, H): keep every vector 1-D."
    return ""


def difference(flat, expected_flat, returns):
    """Which returned values are wrong and how, and which are right: where to look."""
    if flat is None:
        wanted = returns[0] if len(returns) == 1 else "(" + ", ".join(returns) + ")"
        return f"expected {wanted}"
    missing = [key for key in expected_flat if key not in flat]
    extra = [key for key in flat if key not in expected_flat]
    if missing:
        return f"{', '.join(missing)} missing (returned: {', '.join(flat) or 'nothing'})"
    wrong = [f"{key} is not asked for" for key in extra]
    right = []
    for key, expected in expected_flat.items():
        actual = flat[key]
        if actual is None:
            wrong.append(f"{key} is not an array of real numbers")
        elif actual.shape != expected.shape:
            wrong.append(f"{key} has shape {actual.shape}, expected {expected.shape}."
                         f"{shape_advice(actual.shape, expected.shape)}")
        elif not np.array_equal(np.isfinite(actual), np.isfinite(expected)):
            wrong.append(f"{key} has NaN or inf values")
        elif np.allclose(actual[np.isfinite(expected)], expected[np.isfinite(expected)], rtol=1e-6, atol=1e-9):
            right.append(key)
        else:
            gap = np.where(np.isfinite(expected), np.abs(actual.astype(float) - expected), 0.0)
            where = np.unravel_index(np.argmax(gap), gap.shape)
            at = f" at index {tuple(int(i) for i in where)}" if gap.ndim else ""
            wrong.append(f"{key} is off by up to {gap.max():.3g}{at}")
    return "; ".join(wrong) + (f" ({', '.join(right)} right)" if right else "")


def extra_keys(name, extra, rest_right, where):
    """The result holds keys the exercise does not ask for (CS231n's grads['dx'], say)."""
    rest = ("every value that is asked for is right" if rest_right else "and some of the values asked for are wrong")
    return (f"{name}: not correct yet: {', '.join(extra)} {'is' if len(extra) == 1 else 'are'} not asked for "
            f"({rest}). Return exactly the keys the docstring names.\n{where}")


def low_precision(name, keys, flat, where):
    dtypes = sorted({str(flat[key].dtype) for key in keys})
    return (f"{name}: not correct yet: {', '.join(keys)} {'is' if len(keys) == 1 else 'are'} {' and '.join(dtypes)} "
            f"(single precision) and right only to about 7 digits. The arguments are float64: compute in float64 "
            f"(no dtype=np.float32 or .astype(np.float32)).\n{where}")


def scaled(factor):
    inverse = 1 / factor
    as_fraction = f" (1/{round(inverse)})" if abs(inverse - round(inverse)) < 1e-6 and abs(inverse) > 1 else ""
    return (f"Every wrong value is {factor:.6g}{as_fraction} times the right one: the formula is right up to a "
            "constant factor; look at what you divide or multiply by (a count, a mean taken twice, a sum).")


def reads_notebook_variables(names):
    listed = ", ".join(f"`{name}`" for name in names)
    return (f"Your function reads {listed} from the notebook, not from its arguments: use the arguments "
            "(on other inputs the notebook's variables are the wrong ones).")


def changed_in_place(name, changed):
    listed = ", ".join(f"`{where}`" for where in changed)
    return (f"{name}: your function changed {listed} in place. Leave the arguments as they are: build new arrays "
            "(a = a * 2 or {k: ... for k in d}, not a *= 2, d[k] += ... or d[k] = ... on an argument).")


def calls_the_answer(name, called):
    listed = ", ".join(f"{function}()" for function in called)
    return (f"{name}: your function calls {listed}, which is the answer to this exercise: write the "
            "computation yourself (the helpers of earlier exercises are fine).")


def _library_folders():
    """Python's own folders, the installed packages', this package's and rnn_helpers' (wherever it is installed)."""
    folders = {sysconfig.get_paths()[key] for key in ("stdlib", "purelib", "platlib")}
    folders.add(str(Path(__file__).resolve().parent))
    helpers = sys.modules.get("rnn_helpers")
    if getattr(helpers, "__file__", None):
        folders.add(str(Path(helpers.__file__).resolve().parent))
    return tuple(folders)


def students_frames(error):
    """The traceback's frames in the student's code: not in Python, installed packages or rnn_helpers."""
    folders = _library_folders()
    return [frame for frame in traceback.extract_tb(error.__traceback__)
            if not str(Path(frame.filename).resolve()).startswith(folders)]


def error_report(name, error, case, hint):
    """Two or three lines: the exception, and the line of the student's code it came from."""
    frames = students_frames(error)
    text = str(error).splitlines()[0][:300] if str(error) else ""
    lines = [f"{name}: your code raised {type(error).__name__} on {case.label}"]
    if frames:
        lines[0] += f", at line {frames[-1].lineno} of {frames[-1].name}():"
        lines.append(f"    {frames[-1].line}")
    lines.append(f"{type(error).__name__}: {text}")
    if isinstance(error, ValueError | IndexError):
        lines.append(hint)
    return "\n".join(lines)


def not_done(name, function, error):
    """A stub: the student's own, or one of theirs that their function calls (a later exercise built on it)."""
    frames = students_frames(error)
    if frames and frames[-1].name != getattr(function, "__name__", frames[-1].name):
        return (f"{name}: your function calls {frames[-1].name}(), which is not done yet: finish that "
                "exercise first (or use the helper instead).")
    return (f"{name}: not done yet. Write your code where it says # YOUR CODE HERE, delete the "
            "`raise NotImplementedError` line, and run the cell again.")
