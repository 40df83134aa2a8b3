"""Input checks shared by every public function.

Each check runs before any math, so a student sees *what was expected and what arrived*
instead of a broadcasting error three lines deep inside NumPy.
"""

import numpy as np

PARAM_NAMES = ("Wx", "Wh", "Wy", "bx", "by")


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


def check_params(params):
    """Check the five RNN parameters for types, finiteness and consistent shapes.

    Returns ``(input_size, hidden_size, output_size)``.
    """
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict with keys {PARAM_NAMES}, got {type(params).__name__}")
    missing = [key for key in PARAM_NAMES if key not in params]
    if missing:
        raise ValueError(f"params is missing {missing}; expected keys {PARAM_NAMES}")
    Wx = as_float_array("params['Wx']", params["Wx"], 2)
    hidden_size, input_size = Wx.shape
    Wy = as_float_array("params['Wy']", params["Wy"], 2)
    output_size = Wy.shape[0]
    expect_shape("params['Wh']", as_float_array("params['Wh']", params["Wh"], 2), (hidden_size, hidden_size))
    expect_shape("params['Wy']", Wy, (output_size, hidden_size))
    expect_shape("params['bx']", as_float_array("params['bx']", params["bx"], 1), (hidden_size,))
    expect_shape("params['by']", as_float_array("params['by']", params["by"], 1), (output_size,))
    return input_size, hidden_size, output_size


def check_positive_int(name, value):
    """Raise unless ``value`` is a positive Python/NumPy integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
