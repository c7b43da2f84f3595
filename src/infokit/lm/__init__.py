"""Language-model measures from logits: surprisal, perplexity, bits per byte, distillation KL.

Every function takes NumPy, PyTorch or JAX arrays (any array-API library) and
returns results in the caller's library, with autograd preserved (torch
autograd, ``jax.grad``).  Importing this module does not import torch or jax.

* :func:`token_surprisal` -- ``-log softmax(logits)[label]`` per token;
* :func:`perplexity` -- ``exp`` of the mean NLL over the counted tokens;
* :func:`bits_per_byte`, :func:`byte_perplexity`, :func:`word_perplexity` --
  the corpus-level normalisations of lm-evaluation-harness;
* :func:`kl_from_logits` -- exact full-vocabulary KL between a teacher and a
  student per position, computed in chunks of positions so that a
  ``(batch x seq x 128k-vocab)`` problem never materialises a full-size
  log-softmax (neither in the forward nor, with torch or JAX, in the backward).

Definitions (EleutherAI lm-evaluation-harness, ``lm_eval/api/metrics.py``)
--------------------------------------------------------------------------
With ``NLL`` the total negative log-likelihood in nats of a corpus:

* perplexity over tokens ``= exp(NLL / n_tokens)`` (the harness's
  ``weighted_perplexity`` with token counts as weights);
* ``word_perplexity = exp(NLL / n_words)``, ``byte_perplexity = exp(NLL / n_bytes)``;
* ``bits_per_byte = NLL / (n_bytes * ln 2)``.

Every result is in nats unless ``base=`` says otherwise (``bits_per_byte``
is in bits by definition).  Perplexity is unit-free: ``2**H_bits = e**H_nats``,
so it takes no ``base``.
"""

from __future__ import annotations

import array_api_compat

from infokit._lib.checks import check_positive_int
from infokit._lib.errstate import quiet
from infokit._lib.typing import AnyArray, ArrayLike, Base, Result
from infokit._lib.units import resolve_base
from infokit.lm import _distill, _jax, _surprisal, _torch

# The public functions check options and convert units; the work is in _surprisal (labels,
# NLL, perplexity, per-byte/word normalisations), _distill (KL inputs, precision tiers, the
# eager chunk loop), _torch (work buffers, autograd Function) and _jax (custom_vjp, lax.map).

__all__ = [
    "token_surprisal",
    "perplexity",
    "bits_per_byte",
    "byte_perplexity",
    "word_perplexity",
    "kl_from_logits",
]


@quiet
def token_surprisal(logits: AnyArray, labels: AnyArray, *, ignore_index: int | None = -100, base: Base = "nats",
                    axis: int = -1) -> Result:
    """Per-token surprisal ``-log softmax(logits)[label]`` (the per-token cross-entropy loss).

    Parameters
    ----------
    logits : array
        Unnormalised scores, e.g. ``(batch, seq, vocab)``; NumPy, torch or JAX.
        For a causal LM, pass the logits and labels already shifted so that
        ``logits[..., t, :]`` predicts ``labels[..., t]``.
    labels : integer array
        Token ids, the shape of ``logits`` without the vocabulary axis; values
        in ``[0, vocab)`` or ``ignore_index``.
    ignore_index : int or None, optional
        Label marking positions to skip (padding, prompt tokens); default -100,
        as in ``torch.nn.functional.cross_entropy`` and Hugging Face models.
        Ignored positions get surprisal **0**; the counted positions are
        exactly ``labels != ignore_index`` (use it as the mask of a mean).
        ``None`` counts every position.
    base : optional
        Unit of the result; default ``"nats"``, which matches
        ``F.cross_entropy(..., reduction="none")`` (``"bits"`` for bits).
    axis : int, optional
        The vocabulary axis of ``logits`` (default -1).

    Returns
    -------
    array
        Shape of ``labels``, floating dtype of ``logits``, caller's library;
        differentiable with respect to ``logits``.  ``+inf`` where the label's
        logit is ``-inf``.

    Raises
    ------
    InvalidTypeError
        Non-integer labels.
    InvalidArgumentError
        Labels out of range or of the wrong shape, bad ``ignore_index``/``base``.
    InvalidDistributionError
        NaN or ``+inf`` logits, or a position whose logits are all ``-inf``.

    Notes
    -----
    Computed from the log-sum-exp, never from softmax probabilities, and
    accurate to a few ulps in relative terms even for confident predictions
    (surprisal ~1e-12).

    Examples
    --------
    >>> import numpy as np
    >>> z, labels = np.zeros((2, 8)), np.array([3, -100])   # uniform over 8 tokens; one ignored
    >>> token_surprisal(z, labels).round(6).tolist()         # nats: log 8
    [2.079442, 0.0]
    >>> token_surprisal(z, labels, base="bits").tolist()
    [3.0, 0.0]
    """
    unit = resolve_base(base)
    _, s, _ = _surprisal.surprisal_nats(logits, labels, ignore_index, axis)
    return unit.convert(s)


@quiet
def perplexity(logits: AnyArray, labels: AnyArray, *, ignore_index: int | None = -100, axis: int = -1) -> Result:
    """Token-level perplexity ``exp(total NLL / number of counted tokens)``.

    Parameters
    ----------
    logits, labels, ignore_index, axis
        As in :func:`token_surprisal`; the mean is over every counted
        position of the whole array (corpus-level, not a mean of per-sequence
        perplexities).

    Returns
    -------
    array
        0-d array of the caller's library (a NumPy scalar for NumPy input),
        differentiable.  Perplexity is unit-free (``2**H_bits = e**H_nats``),
        so there is no ``base``.  Uniform logits over ``V`` tokens give ``V``.

    Raises
    ------
    InvalidArgumentError
        If every position is ignored (or there is none), and as in
        :func:`token_surprisal`.

    Notes
    -----
    This is lm-evaluation-harness's ``weighted_perplexity`` with one weight
    per token (its ``word_perplexity`` / ``byte_perplexity`` divide the same
    total NLL by the number of words or bytes, see :func:`word_perplexity`).
    It equals ``exp(F.cross_entropy(logits.flatten(0, -2), labels.flatten(),
    ignore_index=-100))``.

    See Also
    --------
    infokit.perplexity : perplexity of a distribution, or of data under a model.

    Examples
    --------
    >>> import numpy as np
    >>> float(perplexity(np.zeros((4, 50)), np.arange(4)))
    50.0
    """
    return _surprisal.perplexity(logits, labels, ignore_index, axis)


@quiet
def bits_per_byte(total_nll_nats: ArrayLike | AnyArray, n_bytes: int) -> Result:
    """Bits per byte ``total NLL (nats) / (n_bytes * ln 2)`` (lm-evaluation-harness definition).

    Parameters
    ----------
    total_nll_nats : float or array
        Total negative log-likelihood of a text in nats (e.g.
        ``token_surprisal(logits, labels).sum()``); arrays keep their library
        and autograd.
    n_bytes : int or array
        Length of the same text in bytes (UTF-8 bytes of the detokenised text),
        > 0.

    Returns
    -------
    float or array

    Raises
    ------
    InvalidArgumentError
        Negative or NaN NLL; ``n_bytes`` not positive and finite.

    Notes
    -----
    Tokenizer-independent: unlike token perplexity it compares models with
    different vocabularies.  The division by ``ln 2`` rounds once
    (``ln 2`` is carried as a double-double).

    Examples
    --------
    >>> bits_per_byte(8 * 0.6931471805599453, 8)
    1.0
    """
    per, scalar = _surprisal.nats_per(total_nll_nats, n_bytes, "n_bytes")
    out = resolve_base("bits").convert(per)
    return float(out) if scalar else out


@quiet
def byte_perplexity(total_nll_nats: ArrayLike | AnyArray, n_bytes: int) -> Result:
    """``exp(total NLL / n_bytes)`` = ``2**bits_per_byte`` (lm-evaluation-harness ``byte_perplexity``).

    >>> round(byte_perplexity(8 * 0.6931471805599453, 8), 12)
    2.0
    """
    return _surprisal.perplexity_per(total_nll_nats, n_bytes, "n_bytes")


@quiet
def word_perplexity(total_nll_nats: ArrayLike | AnyArray, n_words: int) -> Result:
    """``exp(total NLL / n_words)`` (lm-evaluation-harness ``word_perplexity``).

    >>> import math
    >>> round(word_perplexity(3 * math.log(5.0), 3), 12)
    5.0
    """
    return _surprisal.perplexity_per(total_nll_nats, n_words, "n_words")


@quiet
def kl_from_logits(
    student_logits: AnyArray,
    teacher_logits: AnyArray,
    *,
    temperature: float = 1.0,
    mask: AnyArray | None = None,
    chunk: int | None = None,
    direction: str = "forward",
    reduction: str = "mean",
    base: Base = "nats",
    axis: int = -1,
) -> Result:
    """Exact full-vocabulary KL divergence between teacher and student per position, in chunks.

    Parameters
    ----------
    student_logits, teacher_logits : array
        Logits of the same shape, e.g. ``(batch, seq, vocab)``; NumPy, torch or
        JAX (both from the same library).
    temperature : float, optional
        ``T > 0``; both distributions are ``softmax(logits / T)``.  The
        Hinton ``T**2`` factor is **not** applied: multiply the result by
        ``temperature**2`` yourself if you want it.
    mask : boolean array, optional
        Positions to include (the shape of the logits without the vocabulary
        axis, or broadcastable to it), e.g. ``labels != -100``.
    chunk : int, optional
        Positions (rows of the flattened ``(batch*seq, vocab)`` problem) per
        chunk.  Default: about ``2**19`` logits per chunk (16 rows of a 32k
        vocabulary, 4 of a 128k one), which keeps a chunk in cache on a CPU;
        on a GPU a larger chunk (hundreds of rows) is faster.  Peak extra
        memory is about ten chunk-sized arrays, in the forward and in the
        backward; with torch they are allocated once per call and reused.
    direction : {"forward", "reverse"}
        ``"forward"`` (default): ``D(teacher || student)``, the distillation
        KL -- what ``F.kl_div(F.log_softmax(s, -1), F.log_softmax(t, -1),
        log_target=True)`` computes.  ``"reverse"``: ``D(student || teacher)``
        (mode-seeking, as in on-policy distillation).
    reduction : {"mean", "sum", "none"}
        ``"mean"``: mean over the included positions (``F.kl_div(...,
        reduction="sum")`` divided by their number, i.e. ``"batchmean"`` of
        the flattened ``(positions, vocab)`` problem -- *not* ``"batchmean"``
        of a 3-D input, which divides by the batch size only);
        ``"sum"``: total; ``"none"``: per-position values (0 at masked positions).
    base : optional
        Unit of the result (default ``"nats"``).
    axis : int, optional
        Vocabulary axis (default -1; another axis costs a copy of the inputs).

    Returns
    -------
    array
        0-d (``"mean"``, ``"sum"``) or the positions' shape (``"none"``), in
        the caller's library; float64 for float64 logits, float32 otherwise
        (16-bit logits are computed in float32).  Differentiable with respect
        to both logits (torch autograd; ``jax.grad`` / ``jax.vjp``, also under
        ``jax.jit``).

    Raises
    ------
    InvalidDistributionError
        NaN / ``+inf`` logits or a position whose logits are all ``-inf``
        (checked chunk by chunk; skipped under ``jax.jit``).
    InvalidArgumentError
        Different shapes, bad ``temperature`` / ``chunk`` / ``direction`` /
        ``reduction`` / ``mask``, or ``"mean"`` over no position.

    Notes
    -----
    *Accuracy.*  Each position's KL is a sum of non-negative terms
    ``p (d - 1 + e^{-d})``, ``d = log p - log q`` (the terms of the core
    kernel behind ``ik.kl_divergence(ik.from_logits(t), ik.from_logits(s))``),
    evaluated by a fast pass that also bounds its own rounding error.
    Positions whose bound is not small enough -- teacher and student nearly
    equal, where the terms cancel (in float32, a KL below about 1e-5 nats) --
    are recomputed in float64 and, if still uncertain, with the core kernel
    (slow, but rarely reached), so every value is certified to a relative
    error of about 1.5e-11 (float64 results) or 2.4e-4 (float32 results;
    typically ~1e-7), ``+inf`` where the teacher puts mass on a student logit
    of ``-inf``.  The recomputation makes the forward pass about three times
    slower for such positions.  The plain ``sum p (log p - log q)`` has no
    such guarantee: its error is about ``eps * |log-normaliser|``, which can
    exceed a small KL entirely (1.6% at a KL of 5e-7 in float32, see
    ``benchmarks/RESULTS.md``).  The relative error bound stops at the
    smallest normal number of the result's type (2.2e-308 in float64,
    1.2e-38 in float32): a smaller KL is a subnormal float, accurate to a few
    of the format's fixed spacings (4.9e-324, 1.4e-45) rather than
    relatively (5e-13 relative at 1e-311 in float64; 0 below half a
    spacing), as :func:`infokit.kl_divergence` on ``from_logits``.

    *Memory and time.*  Only one chunk of log-probabilities exists at a time.
    With torch, a ``torch.autograd.Function`` saves just the inputs and the
    per-position KL; its backward recomputes the softmaxes chunk by chunk:
    ``dD(t||s)/ds = (softmax(s/T) - softmax(t/T)) / T`` and
    ``dD(t||s)/dt = softmax(t/T) * (log t - log s - D) / T`` per position
    (times the upstream gradient).  It is differentiable once (no double
    backward).  With JAX, a ``jax.custom_vjp`` with the same backward maps
    over chunks with ``lax.map``.  The gradients themselves are full-size,
    like the inputs.  On a CPU, forward + backward of 2048 positions x 128k
    vocabulary in float32 peaks at about a fifth of the memory of the plain
    ``F.kl_div`` formulation (the full-size gradient included) and takes
    less time (``benchmarks/bench_lm.py``).

    Examples
    --------
    >>> import numpy as np
    >>> s = np.log([[0.5, 0.5], [0.25, 0.75]])
    >>> t = np.log([[0.5, 0.5], [0.75, 0.25]])
    >>> kl_from_logits(s, t, reduction="none").round(6).tolist()   # D(teacher || student)
    [0.0, 0.549306]
    """
    unit = resolve_base(base)
    temperature = _distill.check_options(direction, reduction, temperature)
    chunk = check_positive_int(chunk, "chunk", allow_none=True)
    pb = _distill.prepare(student_logits, teacher_logits, mask, chunk, axis)
    if array_api_compat.is_torch_namespace(pb.xp):
        rows = _torch.kl_rows
    elif array_api_compat.is_jax_namespace(pb.xp):
        rows = _jax.kl_rows
    else:
        rows = _distill.kl_rows
    d = rows(pb.xp, pb.s2, pb.t2, temperature, pb.chunk, direction == "reverse", pb.tiers)
    return unit.convert(_distill.reduce(pb, d, reduction))
