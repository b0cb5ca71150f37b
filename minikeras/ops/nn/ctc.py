"""keras.ops.nn's connectionist temporal classification: ctc_loss (the forward algorithm, in log space, one sample
at a time) and ctc_decode (greedy best path, or prefix beam search)."""
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
        # alpha moved one and two places on (log 0 coming in): sliced to alpha's length, so that an empty label
        # sequence (a single blank place) keeps its one place
        from_previous = anp.concatenate([np.full(1, _LOG_ZERO), alpha])[:len(extended)]
        from_skip = anp.where(may_skip, anp.concatenate([np.full(2, _LOG_ZERO), alpha])[:len(extended)], _LOG_ZERO)
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
    """CTC decoding with blanks at mask_index. 'greedy': each step's best class, repeats merged, blanks dropped;
    returns (labels of shape (1, batch, steps) padded with -1, scores (batch, 1): minus the summed best scores).
    'beam_search': the top_paths most probable label sequences (log_softmax of inputs, summed over alignments),
    keeping beam_width prefixes per step; returns (labels (top_paths, batch, steps), log-probabilities
    (batch, top_paths))."""
    inputs = np.asarray(getattr(inputs, "_value", inputs))
    lengths = _integers(sequence_lengths)
    if strategy == "beam_search":
        return _beam_search(inputs, lengths, beam_width, top_paths, mask_index)
    if strategy != "greedy":
        raise ValueError(f"ops.ctc_decode: strategy must be 'greedy' or 'beam_search', got {strategy!r}.")
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


def _beam_search(inputs, lengths, beam_width, top_paths, blank):
    shifted = inputs - inputs.max(-1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    batch, steps = inputs.shape[:2]
    decoded = np.full((top_paths, batch, steps), -1, np.int32)
    scores = np.full((batch, top_paths), -np.inf, inputs.dtype)
    for b in range(batch):
        best = _prefix_beam_search(log_probabilities[b, :lengths[b]], beam_width, blank)[:top_paths]
        for rank, (prefix, score) in enumerate(best):
            decoded[rank, b, :len(prefix)] = prefix
            scores[b, rank] = score
    return decoded, scores


def _prefix_beam_search(log_probabilities, beam_width, blank):
    """[(label prefix, log P(prefix))] best first: each prefix's probability split into paths ending in a blank
    and paths ending in its last label, so that a repeated label needs a blank between (Graves 2012, ch. 7)."""
    beams = {(): (0.0, -np.inf)}                     # prefix -> (log P ending in blank, log P ending in a label)
    for step in log_probabilities:
        grown = {}

        def add(prefix, blank_part=-np.inf, label_part=-np.inf):
            old_blank, old_label = grown.get(prefix, (-np.inf, -np.inf))
            grown[prefix] = (np.logaddexp(old_blank, blank_part), np.logaddexp(old_label, label_part))
        for prefix, (ends_blank, ends_label) in beams.items():
            add(prefix, blank_part=np.logaddexp(ends_blank, ends_label) + step[blank])
            for label in range(len(step)):
                if label == blank:
                    continue
                if prefix and prefix[-1] == label:
                    add(prefix + (label,), label_part=ends_blank + step[label])
                    add(prefix, label_part=ends_label + step[label])
                else:
                    add(prefix + (label,), label_part=np.logaddexp(ends_blank, ends_label) + step[label])
        ranked = sorted(grown.items(), key=lambda item: -np.logaddexp(*item[1]))
        beams = dict(ranked[:beam_width])
    return [(prefix, float(np.logaddexp(*parts))) for prefix, parts in
            sorted(beams.items(), key=lambda item: -np.logaddexp(*item[1]))]
