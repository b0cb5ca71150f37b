"""keras.ops.nn's connectionist temporal classification: ctc_loss (the forward algorithm, in log space, one sample
at a time) and ctc_decode (greedy best path)."""
import autograd.numpy as anp
import numpy as np

from .._tensor import to_float, names_errors
from ..symbolic import keras_op
from .functions import log_softmax

__all__ = ["ctc_loss", "ctc_decode"]

_LOG_ZERO = -1e5   # log(0) as a finite number (Keras's choice): logaddexp of -inf would give NaN gradients


def _integers(value):
    return np.asarray(getattr(value, "_value", value)).astype(int)


def _sequence_loss(log_probabilities, labels, blank):
    """-log P(labels | one sequence's per-step log-probabilities), summed over every alignment."""
    extended = np.full(2 * len(labels) + 1, blank)
    extended[1::2] = labels                       # blank, l1, blank, l2, ..., blank
    may_skip = np.zeros(len(extended), bool)      # a label may follow the previous label, skipping one blank,
    may_skip[3::2] = labels[1:] != labels[:-1]    # unless the two labels are the same
    emissions = log_probabilities[:, extended]    # (steps, len(extended))
    alpha = emissions[0] + np.where(np.arange(len(extended)) < 2, 0.0, _LOG_ZERO)   # start on blank or l1
    for step in range(1, emissions.shape[0]):
        from_previous = anp.concatenate([np.full(1, _LOG_ZERO), alpha[:-1]])
        from_skip = anp.where(may_skip, anp.concatenate([np.full(2, _LOG_ZERO), alpha[:-2]]), _LOG_ZERO)
        alpha = anp.logaddexp(anp.logaddexp(alpha, from_previous), from_skip) + emissions[step]
    if len(labels) == 0:
        return -alpha[-1]
    return -anp.logaddexp(alpha[-1], alpha[-2])   # end on the last label or the blank after it


@keras_op
@names_errors
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """The CTC loss per sample: output (batch, steps, classes) are logits, target (batch, max_labels) the
    labels, only the first target_length / output_length of each counting; mask_index is the blank class."""
    output = to_float(output, "ctc_loss")
    target = _integers(target)
    target_length, output_length = _integers(target_length), _integers(output_length)
    if output.ndim != 3 or target.ndim != 2 or target.shape[0] != output.shape[0]:
        raise ValueError(f"ops.ctc_loss: expected output (batch, steps, classes) and target (batch, labels) of one "
                         f"batch size, got shapes {output.shape} and {target.shape}.")
    log_probabilities = log_softmax(output, axis=-1)
    losses = [_sequence_loss(log_probabilities[b, :output_length[b]], target[b, :target_length[b]], mask_index)
              for b in range(output.shape[0])]
    return anp.stack(losses).astype(output.dtype)


@keras_op
@names_errors
def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1, merge_repeated=True,
               mask_index=0):
    """Greedy CTC decoding: each step's best class, repeats merged, blanks (mask_index) dropped. Returns
    (labels of shape (1, batch, steps), padded with -1; scores of shape (batch, 1), minus the summed best scores)."""
    if strategy != "greedy":
        raise ValueError(f"ops.ctc_decode: minikeras decodes with strategy='greedy' only, got {strategy!r} "
                         f"(beam search is not implemented).")
    inputs = np.asarray(getattr(inputs, "_value", inputs))
    lengths = _integers(sequence_lengths)
    batch, steps = inputs.shape[:2]
    inside = np.arange(steps)[None, :] < lengths[:, None]
    best = np.where(inside, inputs.argmax(-1), mask_index)
    scores = -np.sum(np.where(inside, inputs.max(-1), 0.0), axis=1, keepdims=True).astype(inputs.dtype)
    if merge_repeated:
        repeated = np.pad(best[:, 1:] == best[:, :-1], ((0, 0), (1, 0)))
        best = np.where(repeated, mask_index, best)
    decoded = np.full((batch, steps), -1, np.int32)
    for b in range(batch):
        kept = best[b][best[b] != mask_index]
        decoded[b, :len(kept)] = kept
    return decoded[None], scores
