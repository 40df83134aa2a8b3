"""The recurrent cells the training loop and the gradient check know, by name.

``get_cell("rnn")`` returns the vanilla RNN's functions; the gated cells ("lstm", "gru", from
``rnn_helpers.gated``) have the same interface, so ``train``, ``evaluate`` and ``gradient_check`` take
``cell="rnn" | "lstm" | "gru"`` and work the same way for every cell.
"""

from collections.abc import Callable
from dataclasses import dataclass

from ._checks import PARAM_NAMES, check_choice, describe_value
from .bptt import rnn_backward
from .core import init_params, rnn_forward_batch
from .gated import (
    GRU_SHAPES,
    LSTM_SHAPES,
    gru_backward,
    gru_forward_batch,
    init_gru_params,
    init_lstm_params,
    lstm_backward,
    lstm_forward_batch,
)


@dataclass(frozen=True)
class Cell:
    """What the training loop and the gradient check need to know about a recurrent cell.

    - init(input_size, hidden_size, output_size, seed) -> params dict with keys ``param_names``
    - forward_batch(inputs (N, T, D), params, h0=None) -> (hidden_states (N, T, H), outputs (N, T, O))
    - backward(inputs, labels, params, h0=None, reduction="mean", clip_norm=None) -> (loss, grads),
      grads with the keys of params plus 'h0'
    """

    name: str
    param_names: tuple
    init: Callable
    forward_batch: Callable
    backward: Callable

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"name must be a non-empty string, got {describe_value(self.name)}")
        if not (isinstance(self.param_names, tuple) and self.param_names
                and all(isinstance(key, str) for key in self.param_names)):
            raise TypeError(f"param_names must be a non-empty tuple of strings, got {describe_value(self.param_names)}")
        for field in ("init", "forward_batch", "backward"):
            if not callable(getattr(self, field)):
                raise TypeError(f"{field} must be a function, got {describe_value(getattr(self, field))}")


CELLS = {
    "rnn": Cell("rnn", PARAM_NAMES, init_params, rnn_forward_batch, rnn_backward),
    "lstm": Cell("lstm", tuple(LSTM_SHAPES), init_lstm_params, lstm_forward_batch, lstm_backward),
    "gru": Cell("gru", tuple(GRU_SHAPES), init_gru_params, gru_forward_batch, gru_backward),
}


def get_cell(name):
    """The ``Cell`` registered under ``name``: "rnn", "lstm" or "gru"."""
    check_choice("cell name", name, sorted(CELLS))
    return CELLS[name]
