"""The softmax cross-entropy loss of every cell's outputs, and its gradient.

Loss: softmax cross-entropy of the outputs y_t against integer labels c_t, averaged over every
labelled step of every sequence (``reduction="mean"``) or summed (``reduction="sum"``). A label of
``IGNORE`` (-1) marks a step with no target; it adds nothing to the loss.

This module sits below every backward pass (``rnn_helpers.bptt``, ``rnn_helpers.gated``) and imports
none of them.
"""

import numpy as np

from ._checks import IGNORE, check_finite_loss, check_loss


def softmax_cross_entropy(outputs, labels, reduction="mean"):
    """Softmax cross-entropy loss and its gradient with respect to the outputs.

    Inputs:
    - outputs: logits, shape (..., O), e.g. (N, T, O)
    - labels: class indices, shape (...), e.g. (N, T); IGNORE (-1) marks steps without a target
    - reduction: "mean" over labelled steps, or "sum"

    Returns (loss, d_outputs) with d_outputs shaped like outputs.
    """
    outputs, labels = check_loss(outputs, labels, reduction)
    num_classes = outputs.shape[-1]
    # Class-major scores, shape (O, M) for M steps: see softmax_cross_entropy_class_major.
    loss, d_scores = softmax_cross_entropy_class_major(outputs.reshape(-1, num_classes).T.copy(),
                                                       labels.reshape(-1), reduction)
    check_finite_loss(loss, "outputs", outputs)
    return loss, d_scores.T.reshape(outputs.shape)


def softmax_cross_entropy_class_major(scores, labels, reduction):
    """Softmax cross-entropy on scores of shape (O, M) (one column per step), labels (M,).

    Class-major layout turns each reduction over the classes into O - 1 element-wise operations
    on long rows, far faster than reducing a short last axis. ``scores`` is overwritten; returns
    (loss, d_scores) with d_scores of shape (O, M). No checks: callers check the labels (at least one
    not IGNORE) and the reduction, and that the loss is finite (``_checks.check_finite_loss``).
    """
    labelled = labels != IGNORE
    count = int(np.count_nonzero(labelled))
    scale = 1.0 / count if reduction == "mean" else 1.0
    with np.errstate(over="ignore", invalid="ignore"):  # scores too far apart overflow: callers check the loss
        scores -= scores.max(axis=0)  # shifting by the maximum keeps exp() finite; softmax is unchanged
    probabilities = np.exp(scores)
    normaliser = probabilities.sum(axis=0)
    probabilities /= normaliser
    steps = np.arange(len(labels))
    true_classes = np.where(labelled, labels, 0)
    log_likelihoods = scores[true_classes, steps] - np.log(normaliser)  # log softmax of the true class
    # d loss / d scores = softmax - one_hot(true class), on labelled steps only.
    probabilities[true_classes, steps] -= 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        if count == len(labels):
            loss = -scale * np.sum(log_likelihoods)
            probabilities *= scale
        else:
            loss = -scale * np.sum(log_likelihoods, where=labelled)
            probabilities *= labelled * scale
    return float(loss), probabilities
