"""Input checks shared by every public function.

Each check runs before any math, so a student sees *what was expected and what arrived*
instead of a broadcasting error three lines deep inside NumPy.
"""

import numpy as np

# The vanilla RNN's parameters and their shapes (see check_params for the size letters).
RNN_SHAPES = {"Wx": ("H", "D"), "Wh": ("H", "H"), "Wy": ("O", "H"), "bx": ("H",), "by": ("O",)}
PARAM_NAMES = tuple(RNN_SHAPES)


def as_float_array(name, value, ndim):
    """Return ``value`` as a floating-point ndarray, finite everywhere.

    ``ndim`` is the required number of dimensions, or a tuple of the allowed ones.

    Raises TypeError for non-floating data (ints, bools, strings, objects) and ValueError for
    a wrong number of dimensions, an empty axis, or NaN/inf entries.
    """
    array = np.asarray(value)
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(
            f"{name} must be a floating-point array (e.g. float64), got dtype {array.dtype}; "
            f"convert with .astype(float) if the values are meant as numbers"
        )
    allowed = ndim if isinstance(ndim, tuple) else (ndim,)
    if array.ndim not in allowed:
        expected = " or ".join(str(n) for n in allowed)
        raise ValueError(f"{name} must have {expected} dimension(s), got shape {array.shape}")
    if 0 in array.shape:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    # min and max are NaN if any entry is NaN, and +-inf if any is infinite: two passes, no temporary.
    if not (np.isfinite(array.min()) and np.isfinite(array.max())):
        raise ValueError(f"{name} contains NaN or inf values; all entries must be finite")
    return array


def as_label_array(name, value, ndim, num_classes, allow_ignore=False):
    """Return ``value`` as an integer ndarray of class indices in ``[0, num_classes)``.

    With ``allow_ignore``, -1 (IGNORE: a step without a target) is accepted too.
    """
    array = np.asarray(value)
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must be an integer array of class indices, got dtype {array.dtype}")
    if array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if 0 in array.shape:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    lowest = -1 if allow_ignore else 0
    if array.min() < lowest or array.max() >= num_classes:
        also = " (or -1 for no target)" if allow_ignore else ""
        raise ValueError(
            f"{name} must hold class indices in [0, {num_classes - 1}]{also}, "
            f"got values from {array.min()} to {array.max()}"
        )
    return array


def expect_shape(name, array, shape):
    """Raise ValueError unless ``array.shape == shape``."""
    if array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {array.shape}")


def check_params(params, shapes=RNN_SHAPES):
    """Check a cell's parameters for types, finiteness and consistent shapes.

    ``shapes`` maps each parameter name to its shape, written with the sizes D (input), H (hidden)
    and O (output), and a gate count in front where several gates' weights are stacked: the
    vanilla RNN's ``RNN_SHAPES`` (the default), or an LSTM's ``{"Wx": ("4H", "D"), ...}``. The input and
    hidden sizes are read from params['Wx'], the output size from params['Wy'].

    Returns ``(input_size, hidden_size, output_size)``.
    """
    names = tuple(shapes)
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict with keys {names}, got {type(params).__name__}")
    missing = [key for key in names if key not in params]
    if missing:
        raise ValueError(f"params is missing {missing}; expected keys {names}")
    Wx = as_float_array("params['Wx']", params["Wx"], 2)
    gates = shape_from_sizes(shapes["Wx"][:1], {"H": 1})[0]  # gate blocks stacked in Wx: 4 for "4H"
    if Wx.shape[0] % gates:
        raise ValueError(f"params['Wx'] must have {gates} * hidden_size rows (one block per gate), "
                         f"got shape {Wx.shape}")
    Wy = as_float_array("params['Wy']", params["Wy"], 2)
    sizes = {"D": Wx.shape[1], "H": Wx.shape[0] // gates, "O": Wy.shape[0]}
    for name, symbols in shapes.items():
        expected = shape_from_sizes(symbols, sizes)
        expect_shape(f"params['{name}']", as_float_array(f"params['{name}']", params[name], len(expected)), expected)
    return sizes["D"], sizes["H"], sizes["O"]


def shape_from_sizes(symbols, sizes):
    """A shape written in size letters, as numbers: ("4H", "D") with sizes {"H": 5, "D": 3} is (20, 3)."""
    return tuple(int(symbol[:-1] or 1) * sizes[symbol[-1]] for symbol in symbols)


def check_positive_int(name, value):
    """Raise unless ``value`` is a positive Python/NumPy integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
