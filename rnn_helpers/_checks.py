"""Input checks shared by every public function.

Each check runs before any math, so a student sees *which argument* was wrong, *what was expected*
and *what arrived*, instead of a broadcasting error three lines deep inside NumPy.

Conventions every public function follows:

- Arrays that are only read (inputs, hidden states, gradients, ...) may be any array-like of real
  floating-point numbers; float16 and float32 are widened to float64 (exactly), so every
  computation runs in float64. Integers, booleans, complex numbers, strings, NaN and inf are refused.
- Parameters (the ``params`` dicts) must already be float64 NumPy arrays: optimisers update them in
  place, which a nested list or a converted copy would silently not receive.
- Sizes are integers from 1 up to ``MAX_ENTRIES``; an array a function creates from sizes may have at
  most ``MAX_ENTRIES`` entries, so a typo such as ``10**9`` fails at once instead of filling the memory.
"""

import math
import numbers
from contextlib import contextmanager

import numpy as np

# The vanilla RNN's parameters and their shapes (see check_params for the size letters).
RNN_SHAPES = {"Wx": ("H", "D"), "Wh": ("H", "H"), "Wy": ("O", "H"), "bx": ("H",), "by": ("O",)}
PARAM_NAMES = tuple(RNN_SHAPES)
IGNORE = -1  # label value for a step that has no target: skipped by the loss and by accuracy
# The largest array (in entries) that size arguments may ask for: 80 MB of float64, a hundred times
# the notebooks' largest (2000 sequences of 50 steps).
MAX_ENTRIES = 10_000_000
MAX_SEED = 2**32 - 1  # np.random.RandomState accepts seeds in [0, 2**32 - 1]
MAX_LEARNING_RATE = 1000.0  # far above any step that trains these networks: a larger one is a typo
# Weights no network these helpers train comes near (the notebooks' largest are below 100): beyond this,
# every tanh and sigmoid they feed sits flat at its limit, and the loss or the gradients overflow or vanish,
# before any update.
MAX_TRAINABLE_WEIGHT = 1e6
REDUCTIONS = ("mean", "sum")  # how a loss combines its steps: their mean (over labelled steps) or their sum
# The size of a step argument's last axis, by the argument's name (see check_step); any other is a state (H).
STEP_SIZES = {"x_t": "D", "d_y_t": "O"}


def describe_value(value):
    """A short description of ``value`` for an error message: its type and (shortened) repr."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dict):
        return f"a dict with keys {list(value)}"
    if isinstance(value, type):
        return f"the class {value.__name__} itself (not an instance of it)"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def as_array(name, value):
    """``np.asarray(value)``, with a clear error for ragged nested lists."""
    try:
        return np.asarray(value)
    except ValueError:  # NumPy's "inhomogeneous shape" error
        raise ValueError(
            f"{name} must be a rectangular array, got a ragged nested sequence (rows of different lengths)"
        ) from None


def as_float_array(name, value, ndim, finite=True):
    """Return ``value`` as a float64 ndarray (the same object if it already is one).

    ``ndim`` is the required number of dimensions, a tuple of the allowed ones, or None for any.
    float16 and float32 are widened to float64 exactly. Raises TypeError for non-floating data
    (ints, bools, complex, strings, objects) and ValueError for a wrong number of dimensions, an
    empty axis, or (with ``finite``) NaN/inf entries.
    """
    array = value if isinstance(value, np.ndarray) else as_array(name, value)
    if array.dtype != np.float64:  # the common case skips these (slow) dtype tests
        if np.issubdtype(array.dtype, np.complexfloating):
            raise TypeError(f"{name} must be real, got complex numbers (dtype {array.dtype})")
        if not np.issubdtype(array.dtype, np.floating):
            arrived = f"dtype {array.dtype}" if isinstance(value, np.ndarray) else describe_value(value)
            raise TypeError(
                f"{name} must be a floating-point array (e.g. float64), got {arrived}; "
                f"convert with .astype(float) if the values are meant as numbers"
            )
        array = array.astype(np.float64)
    if ndim is not None and array.ndim not in (ndim if isinstance(ndim, tuple) else (ndim,)):
        expected = " or ".join(str(n) for n in (ndim if isinstance(ndim, tuple) else (ndim,)))
        raise ValueError(f"{name} must have {expected} dimension(s), got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if finite and not all_finite(array):
        raise ValueError(f"{name} contains NaN or inf values; all entries must be finite, got "
                         f"{np.count_nonzero(~np.isfinite(array))} that are not")
    return array


def all_finite(array):
    """True if every entry of the float ndarray ``array`` is finite, in one pass and no temporary array.

    The sum is NaN or inf if any entry is; only if it is (or if finite entries overflowed it) are
    the entries looked at one by one.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # huge finite entries may overflow the sum
        return math.isfinite(array.sum()) or bool(np.isfinite(array).all())


def as_label_array(name, value, ndim, num_classes=None, allow_ignore=False):
    """Return ``value`` as an integer ndarray of class indices in ``[0, num_classes)``.

    ``ndim``: the required number of dimensions, or None for any. ``num_classes``: None when the
    number of classes is not known (then only the lower end is checked). With ``allow_ignore``,
    -1 (IGNORE: a step without a target) is accepted too, but at least one entry must be labelled.
    """
    array = as_array(name, value)
    if not np.issubdtype(array.dtype, np.integer):
        arrived = f"dtype {array.dtype}" if isinstance(value, np.ndarray) else describe_value(value)
        raise TypeError(f"{name} must be an integer array of class indices, got {arrived}")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    smallest, largest = array.min(), array.max()
    if smallest < (IGNORE if allow_ignore else 0) or (num_classes is not None and largest >= num_classes):
        classes = "0 or more" if num_classes is None else f"in [0, {num_classes - 1}]"
        also = " (or -1 for no target)" if allow_ignore else ""
        raise ValueError(f"{name} must hold class indices {classes}{also}, got values from {smallest} to {largest}")
    if allow_ignore and largest == IGNORE:
        raise ValueError(f"{name} must contain at least one step that is not IGNORE (-1), got only IGNORE")
    return array


def expect_shape(name, array, shape):
    """Raise ValueError unless ``array.shape == shape``."""
    if array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {array.shape}")


def check_param_dict(params, ndims=None, name="params"):
    """Check a dict of parameters: exactly the keys of ``ndims``, each a finite, non-empty float64 ndarray
    with ``ndims[key]`` dimensions (None: any). With ``ndims=None``: any keys (at least one), any shapes."""
    if ndims is None:
        if not isinstance(params, dict):
            raise TypeError(f"{name} must be a dict of parameter arrays, got {describe_value(params)}")
        if not params:
            raise ValueError(f"{name} must hold at least one parameter array, got an empty dict")
        ndims = dict.fromkeys(params)
    check_keys(name, params, ndims, extra_fix=f"keep only the parameters with {name} = {{k: {name}[k] for k in "
                                                 f"{list(ndims)}}}")
    for key, ndim in ndims.items():
        label = f"{name}[{key!r}]"
        value = params[key]
        if not isinstance(value, np.ndarray) or value.dtype != np.float64:
            arrived = f"dtype {value.dtype}" if isinstance(value, np.ndarray) else describe_value(value)
            raise TypeError(
                f"{label} must be a float64 NumPy array (parameters are updated in place), got {arrived}; "
                f"convert them all with {name} = {{k: np.array(v, dtype=np.float64) for k, v in {name}.items()}}"
            )
        as_float_array(label, value, ndim)


def check_params(params, shapes=RNN_SHAPES):
    """Check a cell's parameters for keys, types, finiteness and consistent shapes.

    ``shapes`` maps each parameter name to its shape, written with the sizes D (input), H (hidden)
    and O (output), and a gate count in front where several gates' weights are stacked: the
    vanilla RNN's ``RNN_SHAPES`` (the default), or an LSTM's ``{"Wx": ("4H", "D"), ...}``. The input and
    hidden sizes are read from params['Wx'], the output size from params['Wy'].

    Returns ``(input_size, hidden_size, output_size)``.
    """
    check_param_dict(params, {name: len(symbols) for name, symbols in shapes.items()})
    Wx, Wy = params["Wx"], params["Wy"]
    gates = _size_factor(shapes["Wx"][0])
    if Wx.shape[0] % gates:
        raise ValueError(f"params['Wx'] must have {gates} * hidden_size rows (one block per gate), "
                         f"got shape {Wx.shape}")
    sizes = {"D": Wx.shape[1], "H": Wx.shape[0] // gates, "O": Wy.shape[0]}
    for name, symbols in shapes.items():
        expect_shape(f"params['{name}']", params[name], param_shape(symbols, sizes))
    return sizes["D"], sizes["H"], sizes["O"]


def param_shape(symbols, sizes):
    """A parameter's shape from its size symbols (see ``check_params``), e.g. ("4H", "D") -> (4 * H, D).

    ``sizes`` maps "D", "H" and "O" to the input, hidden and output sizes.
    """
    return tuple(_size_factor(symbol) * sizes[symbol[-1]] for symbol in symbols)


def _size_factor(symbol):
    """The gate count in front of a size symbol: 4 for "4H", 1 for "H"."""
    return int(symbol[:-1] or 1)


def check_step(params, x_t, shapes=RNN_SHAPES, ndim=(1, 2), **arrays):
    """Check the arguments of one step of a cell; return x_t and ``arrays`` as float64 arrays, in that order.

    - params: the cell's parameters, checked against ``shapes`` (see ``check_params``)
    - x_t: the step's input, (D,) for one sequence or (N, D) for a batch (``ndim``: the allowed numbers
      of dimensions)
    - arrays: the step's other arrays by name, each with x_t's leading shape: d_y_t (an output gradient)
      ends in O, every other one (a state or a state's gradient) in H
    """
    input_size, hidden_size, output_size = check_params(params, shapes)
    sizes = {"D": input_size, "H": hidden_size, "O": output_size}
    x_t = as_float_array("x_t", x_t, ndim)
    expect_shape("x_t", x_t, x_t.shape[:-1] + (input_size,))
    checked = [x_t]
    for name, value in arrays.items():
        array = as_float_array(name, value, x_t.ndim)
        expect_shape(name, array, x_t.shape[:-1] + (sizes[STEP_SIZES.get(name, "H")],))
        checked.append(array)
    return tuple(checked)


def check_forward(inputs, params, h0, shapes=RNN_SHAPES, ndim=(2, 3)):
    """Check the arguments of a forward pass; return (inputs, h0) as float64 arrays (h0 None stays None).

    - inputs: (T, D) for one sequence or (N, T, D) for a batch (``ndim``: the allowed numbers of dimensions)
    - params: the cell's parameters, checked against ``shapes`` (see ``check_params``)
    - h0: None (zeros) or the initial hidden state, (H,) or (N, H): inputs' leading shape
    """
    input_size, hidden_size, _ = check_params(params, shapes)
    inputs = as_float_array("inputs", inputs, ndim)
    expect_shape("inputs", inputs, inputs.shape[:-1] + (input_size,))
    if h0 is not None:
        h0 = as_float_array("h0", h0, inputs.ndim - 1)
        expect_shape("h0", h0, inputs.shape[:-2] + (hidden_size,))
    return inputs, h0


def check_backward(inputs, labels, params, h0, reduction="mean", clip_norm=None, shapes=RNN_SHAPES):
    """Check the arguments of a loss or a backward pass; return (inputs, labels, h0) as arrays.

    inputs, params and h0 as in ``check_forward``; labels: class indices of inputs' leading shape, (T,)
    or (N, T), each in [0, O) or IGNORE; reduction: one of REDUCTIONS; clip_norm: None or a positive number.
    """
    check_choice("reduction", reduction, REDUCTIONS)
    if clip_norm is not None:
        check_number("clip_norm", clip_norm, 0, low_open=True)
    inputs, h0 = check_forward(inputs, params, h0, shapes)
    labels = as_label_array("labels", labels, inputs.ndim - 1, params["Wy"].shape[0], allow_ignore=True)
    expect_shape("labels", labels, inputs.shape[:-1])
    return inputs, labels, h0


def check_backward_batch(inputs, labels, params, h0, reduction="mean", clip_norm=None, shapes=RNN_SHAPES):
    """Check the arguments of a loss or a backward pass (see ``check_backward``) and return inputs, labels
    and h0 with a batch axis, (N, T, D), (N, T), (N, H) or None, and whether they were one sequence."""
    inputs, labels, h0 = check_backward(inputs, labels, params, h0, reduction, clip_norm, shapes)
    single = inputs.ndim == 2
    if single:
        return inputs[None], labels[None], None if h0 is None else h0[None], True
    return inputs, labels, h0, False


class FloatOverflowError(ValueError):
    """A result does not fit in float64 although every argument is finite: an argument is far too large.

    A ValueError, so callers that catch bad input catch it; ``train`` tells it apart from a divergence.
    """


class ForwardOverflowError(FloatOverflowError):
    """A forward pass's outputs overflowed float64 (see ``check_finite_outputs``)."""


def largest_entry(value):
    """The largest |entry| of an array or of a dict of arrays, and where it is: (number, name suffix)."""
    if isinstance(value, dict):
        key = max(value, key=lambda k: float(np.abs(value[k]).max()))
        return float(np.abs(value[key]).max()), f"[{key!r}]"
    return float(np.abs(value).max()), ""


def check_finite_loss(loss, name, value):
    """Raise FloatOverflowError unless ``loss`` is finite.

    The arguments were checked finite, so a loss of inf or NaN means float64 overflowed: scores so far
    apart that their differences or the loss exceed about 1.8e308. ``name`` is the argument to blame
    ("outputs", or "params" for a backward pass), ``value`` that argument (an array or a dict of arrays).
    """
    if math.isfinite(loss):
        return
    _raise_overflow(name, value, "the loss", f"which make the loss {loss}. " + (
        "Weights this large are not a network that can be trained or checked: initialise new ones."
        if name == "params" else "Scores this far apart overflow."))


def _raise_overflow(name, value, result, consequence):
    """Raise the FloatOverflowError that blames the argument ``name`` (an array or a dict of arrays) for
    ``result`` (e.g. "the loss") overflowing float64; ``consequence`` follows its largest entry."""
    largest, where = largest_entry(value)
    raise FloatOverflowError(f"{name} must be small enough for {result} to fit in float64 (below about 1.8e308), got "
                             f"entries up to {largest:.3g} (in {name}{where}), {consequence}")


def check_magnitude(name, array, limit, purpose, explanation):
    """Raise ValueError unless every |entry| of the float array ``array`` is at most ``limit``.

    ``purpose`` says what the limit is for (e.g. "(MAX_ADAM_GRADIENT) for Adam"), ``explanation`` what
    goes wrong beyond it and what to do instead.
    """
    largest = float(np.abs(array).max())
    if largest > limit:
        raise ValueError(f"{name} must have entries of at most {limit:.3g} {purpose}, got entries up to {largest:.3g}: "
                         f"{explanation}")


def power_of_two_scale(*arrays):
    """A power of two at most the largest |entry| of ``arrays`` and above half of it (1.0 if every entry is zero).

    Dividing by it is exact: a norm, sum or SVD computed on the divided arrays and multiplied back gives
    the same bits as on the arrays themselves, but no square or sum of huge entries (above ~1e154)
    overflows on the way.
    """
    largest = max(float(np.abs(array).max()) for array in arrays)
    return 2.0 ** math.floor(math.log2(largest)) if largest > 0 else 1.0


def check_finite_results(results, **arguments):
    """Raise FloatOverflowError unless every array in ``results`` (a list of arrays and dicts of arrays) is finite.

    The ``arguments`` (name=array) were checked finite, so a NaN or inf in the results means float64
    overflowed on their size; the error names each argument with its largest entry.
    """
    arrays = [array for result in results for array in (result.values() if isinstance(result, dict) else [result])]
    if all(all_finite(array) for array in arrays):
        return
    names, sizes = _largest_entries(arguments)
    raise FloatOverflowError(f"{names} must be small enough for the results to fit in float64 (below "
                             f"about 1.8e308), got entries up to {sizes}, with which they overflow to inf or NaN")


def _largest_entries(arguments):
    """The names of the ``arguments`` (name=array or dict of arrays; None left out: h0=None means zeros) and
    their largest entries, for an overflow's message: ("params, inputs", "1e+308 in params['Wy'], 2.55 in inputs")."""
    arguments = {name: value for name, value in arguments.items() if value is not None}
    largest = {name: largest_entry(value) for name, value in arguments.items()}
    return ", ".join(arguments), ", ".join(f"{size:.3g} in {name}{where}" for name, (size, where) in largest.items())


def check_finite_outputs(outputs, result, **arguments):
    """Raise FloatOverflowError unless the outputs (logits) of a forward pass or step are all finite.

    The ``arguments`` (name=array or dict of arrays: params, inputs, h0, ...) were checked finite, so an inf or
    NaN means float64 overflowed on their size. The outputs suffice: a NaN or inf in any hidden or cell state
    reaches them through the read-out Wy h + by, so one pass over them (no work in the loop over the steps)
    finds every overflow. ``result`` names the outputs in the message ("the outputs", "y_t", ...).
    """
    if not all_finite(outputs):
        raise_forward_overflow(result, **arguments)


def raise_forward_overflow(result, **arguments):
    """Raise the FloatOverflowError of a forward pass whose ``result`` overflowed (see ``check_finite_outputs``),
    naming ``arguments`` with their largest entries; the same words from every cell, reference and fast path."""
    names, sizes = _largest_entries(arguments)
    hint = ""
    if arguments.get("params") is not None and largest_entry(arguments["params"])[0] > MAX_TRAINABLE_WEIGHT:
        hint = ". Weights this large make the network unusable: initialise new ones"
    raise ForwardOverflowError(f"{names} must be small enough for the forward pass to fit in float64 (below about "
                             f"1.8e308), got entries up to {sizes}, with which inf or NaN appear in {result}{hint}")


@contextmanager
def steps_overflow_as(result, **arguments):
    """Inside, a step's FloatOverflowError (its outputs overflowed) is raised again as the whole pass's: naming
    the pass's own ``arguments`` and ``result`` (see ``raise_forward_overflow``), not the step's x_t and h_prev.

    For a loop that calls a checked step function (the readable forward passes, sampling)."""
    try:
        yield
    except FloatOverflowError:
        raise_forward_overflow(result, **arguments)


@contextmanager
def overflow_blames_params(params):
    """Inside, a FloatOverflowError of a forward pass or of the loss is raised again as the fast backward passes
    raise it (``check_finite_loss`` naming params): for the readable backward passes, which call those pieces."""
    try:
        yield
    except ForwardOverflowError:  # outputs with inf: the fast path's loss is NaN (inf - inf)
        check_finite_loss(math.nan, "params", params)
    except FloatOverflowError:  # finite outputs, too far apart: the loss is inf
        check_finite_loss(math.inf, "params", params)


def check_finite_norm(norm, grads):
    """Raise FloatOverflowError unless ``norm``, the joint norm of the finite ``grads`` (computed scaled, see
    ``power_of_two_scale``), is finite: only gradients whose norm exceeds float64's range fail."""
    if math.isfinite(norm):
        return
    _raise_overflow("grads", grads, "their joint norm", "whose joint norm is beyond it. Gradients this large have "
                    "exploded: they come from weights or inputs far too large, which no clipping can rescue")


def check_loss(outputs, labels, reduction):
    """Check a softmax cross-entropy's arguments; return (outputs, labels) as arrays.

    - outputs: scores of any shape (..., O), at least one dimension (the classes)
    - labels: class indices of shape (...), each in [0, O) or IGNORE, at least one not IGNORE
    - reduction: one of REDUCTIONS
    """
    check_choice("reduction", reduction, REDUCTIONS)
    outputs = as_float_array("outputs", outputs, None)
    if outputs.ndim == 0:
        raise ValueError("outputs must have at least 1 dimension (the classes), got shape ()")
    labels = as_label_array("labels", labels, None, outputs.shape[-1], allow_ignore=True)
    if labels.shape != outputs.shape[:-1]:
        raise ValueError(f"labels must have the shape of outputs without its last axis (the classes), "
                         f"{outputs.shape[:-1]}, got {labels.shape}")
    return outputs, labels


def check_grads(grads, finite=True):
    """Check a dict of gradient arrays (any keys, at least one; any shapes) and return it with float64 arrays.

    ``finite=False`` leaves NaN and inf to the caller (who may find them faster, e.g. through a norm).
    """
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of gradient arrays, got {describe_value(grads)}")
    if not grads:
        raise ValueError("grads must hold at least one gradient array, got an empty dict")
    return {name: as_float_array(f"grads[{name!r}]", g, None, finite=finite) for name, g in grads.items()}


def check_clipping(grads, max_norm, finite=True):
    """Check the arguments of gradient clipping: ``grads`` as in ``check_grads``, ``max_norm`` a positive
    number. Returns grads with float64 arrays."""
    check_number("max_norm", max_norm, 0, low_open=True)
    return check_grads(grads, finite)


def check_like_params(name, arrays, params):
    """Check a dict with exactly the keys of the (checked) ``params``, each a finite array of its parameter's
    shape, e.g. gradients; returns it with float64 arrays."""
    check_keys(name, arrays, params, extra_fix=f"keep only those of params with {name} = {{k: {name}[k] for k in "
                                               f"params}}")
    checked = {}
    for key, param in params.items():
        checked[key] = as_float_array(f"{name}[{key!r}]", arrays[key], param.ndim)
        expect_shape(f"{name}[{key!r}]", checked[key], param.shape)
    return checked


def check_trainable(params, cell):
    """Raise ValueError if ``params`` (checked, of the cell named ``cell``) hold an entry above MAX_TRAINABLE_WEIGHT:
    such a network is unusable before any update, so a training loop must not call its failure a divergence."""
    largest, where = largest_entry(params)
    if largest > MAX_TRAINABLE_WEIGHT:
        raise ValueError(
            f"params must hold weights a network can be trained from, at most {MAX_TRAINABLE_WEIGHT:g} in size "
            f"(MAX_TRAINABLE_WEIGHT), got entries up to {largest:.3g} in params{where}: with weights this large "
            f"the network is unusable before any update (its units sit flat at their limits, the loss or the "
            f"gradients overflow), so no learning rate can help. Initialise new ones (get_cell({cell!r}).init)"
        )


def check_momentum(learning_rate, momentum):
    """Raise unless learning_rate is in (0, MAX_LEARNING_RATE] and momentum in [0, 1)."""
    check_number("learning_rate", learning_rate, 0, MAX_LEARNING_RATE, low_open=True)
    check_number("momentum", momentum, 0, 1, high_open=True)


def check_momentum_step(params, grads, velocity, learning_rate, momentum):
    """Check the arguments of one SGD-with-momentum step: params a dict of float64 arrays, grads and velocity
    dicts like params (see ``check_like_params``), learning_rate and momentum as in ``check_momentum``.

    Returns (grads, velocity) with float64 arrays.
    """
    check_param_dict(params)
    check_momentum(learning_rate, momentum)
    return check_like_params("grads", grads, params), check_like_params("velocity", velocity, params)


def check_data(name, data):
    """Check a task's data dict: exactly 'inputs' (N, T, D) floats and 'labels' (N, T) class indices
    (or IGNORE). Returns (inputs, labels) as arrays; the number of classes is checked by the caller."""
    check_keys(name, data, ("inputs", "labels"))
    inputs = as_float_array(f"{name}['inputs']", data["inputs"], 3)
    labels = as_label_array(f"{name}['labels']", data["labels"], 2, allow_ignore=True)
    expect_shape(f"{name}['labels']", labels, inputs.shape[:2])
    return inputs, labels


def check_keys(name, mapping, keys, extra_fix=None):
    """Raise unless ``mapping`` is a dict with exactly the keys ``keys`` (any iterable of keys).

    ``extra_fix``: how to drop extra keys, added to the message when no key is missing but some are extra.
    """
    keys = list(keys)
    if not isinstance(mapping, dict):
        raise TypeError(f"{name} must be a dict with keys {keys}, got {describe_value(mapping)}")
    missing = [key for key in keys if key not in mapping]
    extra = [key for key in mapping if key not in keys]
    if missing or extra:
        problem = f"is missing {missing}" if missing else f"has unexpected keys {extra}"
        fix = f"; {extra_fix}" if extra_fix and not missing else ""
        raise ValueError(f"{name} {problem}: expected exactly the keys {keys}, got {list(mapping)}{fix}")


def check_positive_int(name, value, maximum=MAX_ENTRIES):
    """Raise unless ``value`` is an integer (not a bool) from 1 to ``maximum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {describe_value(value)}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    if value > maximum:
        raise ValueError(f"{name} must be at most {maximum:,} (a sane limit for these helpers), got {value:,}")


def check_entries(names, entries):
    """Raise unless the arrays sized by the arguments ``names`` have at most ``MAX_ENTRIES`` entries in all."""
    if entries > MAX_ENTRIES:
        raise ValueError(
            f"{names} must ask for at most {MAX_ENTRIES:,} array entries (80 MB of float64, a sane limit for "
            f"these helpers), got {entries:,}"
        )


def check_number(name, value, low=-np.inf, high=np.inf, low_open=False, high_open=False):
    """Raise unless ``value`` is a finite real number (not a bool) in the given interval."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {describe_value(value)}")
    try:
        number = float(value)  # compared as a Python float: a float32 or a huge int compares exactly
    except OverflowError:  # an int beyond float64's range
        number = math.inf if value > 0 else -math.inf
    below = number <= low if low_open else number < low
    above = number >= high if high_open else number > high
    if not math.isfinite(number) or below or above:
        bounds = []
        if low > -np.inf:
            bounds.append(f"{'above' if low_open else 'at least'} {low}")
        if high < np.inf:
            bounds.append(f"{'below' if high_open else 'at most'} {high}")
        interval = f" {' and '.join(bounds)}" if bounds else ""
        raise ValueError(f"{name} must be a finite number{interval}, got {value}")


def check_choice(name, value, choices):
    """Raise unless ``value`` is one of the strings ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {describe_value(value)}")


def check_bool(name, value):
    """Raise unless ``value`` is True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe_value(value)}")
