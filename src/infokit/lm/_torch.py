"""torch side of :func:`infokit.lm.kl_from_logits`: reused work buffers and the autograd Function.

torch is imported inside the functions, which run only on torch tensors:
importing :mod:`infokit.lm` never imports it.
"""

from __future__ import annotations

import functools
import math

import array_api_compat

from infokit.lm import _distill


class Buffers:
    """Chunk-sized torch work arrays, allocated once per call and reused for every chunk.

    Fresh chunk-sized tensors for every operation cost page faults (the CPU
    allocator returns large blocks to the OS); reusing a handful of buffers
    makes the chunked computation about three times faster on a CPU.
    """

    def __init__(self, rows, vocab, dtype, device):
        import torch

        self._new = lambda: torch.empty((rows, vocab), dtype=dtype, device=device)
        self._bufs = {}
        self._args = (vocab, device)
        self._others = {}

    def other(self, dtype, rows):
        """Buffers of another dtype (for the float64 recomputation), also kept for reuse."""
        if dtype not in self._others:
            self._others[dtype] = Buffers(rows, self._args[0], dtype, self._args[1])
        return self._others[dtype]

    def __call__(self, name, rows):
        if name not in self._bufs:
            self._bufs[name] = self._new()
        return self._bufs[name][:rows]

    @staticmethod
    def logsumexp(xp, z):
        """Row-wise log-sum-exp, fused by torch (no chunk-sized temporaries)."""
        import torch

        return torch.logsumexp(z, dim=-1)

    def fast_pass(self, zp, zq, temperature, dt):
        """The no-``-inf`` case of :func:`infokit.lm._distill.fast_pass`, in these buffers."""
        import torch

        rows = zp.shape[0]
        zpc = zp if zp.dtype == dt else self("cp", rows).copy_(zp)
        zqc = zq if zq.dtype == dt else self("cq", rows).copy_(zq)
        delta = torch.sub(zpc, zqc, out=self("delta", rows))
        if temperature != 1.0:
            delta /= temperature
            zpc = _scaled(zpc, temperature, dt, self, "cp")
            zqc = _scaled(zqc, temperature, dt, self, "cq")
        t = self("t", rows)
        cs = []
        for z in (zpc, zqc):  # log-normalisers, through the buffer t
            m = z.amax(-1, keepdim=True)
            torch.sub(z, m, out=t).exp_()
            cs.append(t.sum(-1, keepdim=True).log_().add_(m))
        cp, c = cs[0], cs[0] - cs[1]
        lp = torch.sub(zpc, cp, out=self("lp", rows))
        p = torch.exp(lp, out=self("p", rows))
        d = torch.sub(delta, c, out=self("d", rows))
        em = torch.neg(d, out=self("em", rows)).expm1_()  # q/p - 1
        torch.add(em, d, out=t).mul_(p)  # p h(d)
        em.mul_(p).abs_()  # |q - p|
        torch.abs(delta, out=d).mul_(em)
        s = em.sum(-1) * (1.0 + c[:, 0].abs()) + 2.0 * d.sum(-1)
        lp.neg_().add_(1.0).mul_(t)
        s += lp.sum(-1)
        return t.sum(-1), s, c[:, 0]


def _scaled(z, temperature, dt, ws, name):
    """``z / T`` in ``dt``, in a work buffer unless ``z`` can be used as it is."""
    import torch

    if z.dtype == dt and temperature == 1.0:
        return z
    out = ws(name, z.shape[0])
    if temperature == 1.0:
        return out.copy_(z)
    if z.dtype != dt:
        out.copy_(z)
        return out.div_(temperature)
    return torch.div(z, temperature, out=out)


def _log_softmax(z, ws, lname, ename, exp_out=None):
    """``(log_softmax(z), softmax(z))`` into work buffers (``exp_out``: where to put the softmax)."""
    import torch

    rows = z.shape[0]
    lz = torch.sub(z, z.amax(-1, keepdim=True), out=ws(lname, rows))
    pz = torch.exp(lz, out=ws(ename, rows) if exp_out is None else exp_out)
    tot = pz.sum(-1, keepdim=True)
    lz -= tot.log()
    pz /= tot
    return lz, pz


@functools.lru_cache(maxsize=1)
def _function():
    """The ``torch.autograd.Function`` (built on first use: infokit never imports torch itself)."""
    import torch
    from torch.autograd.function import once_differentiable

    xp = array_api_compat.array_namespace(torch.zeros(0))

    class ChunkedKLFromLogits(torch.autograd.Function):
        """Per-position KL with chunked forward and backward.

        forward saves only the inputs and the per-position KL; backward
        recomputes each chunk's log-softmaxes.  For ``D = D(P||Q)``,
        ``P = softmax(zp/T)``, ``Q = softmax(zq/T)`` and upstream gradient ``g``:
        ``dD/dzq = (q - p) g / T`` and ``dD/dzp = p (log p - log q - D) g / T``.
        """

        @staticmethod
        def forward(ctx, s2, t2, temperature, chunk, reverse, tiers):
            ninf = []
            ws = Buffers(chunk, s2.shape[1], tiers[0], s2.device) if s2.shape[0] else None
            d = _distill.kl_rows(xp, s2, t2, temperature, chunk, reverse, tiers, ninf, ws)
            ctx.save_for_backward(s2, t2, d)
            ctx.config = (temperature, chunk, reverse, tiers[0], ninf)
            return d

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            s2, t2, d = ctx.saved_tensors
            temperature, chunk, reverse, dt, ninf = ctx.config
            need_s, need_t = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
            gs = torch.empty_like(s2) if need_s else None
            gt = torch.empty_like(t2) if need_t else None
            g = g.to(dt) / temperature
            zp2, zq2 = (s2, t2) if reverse else (t2, s2)
            gp_out, gq_out = (gs, gt) if reverse else (gt, gs)
            ws = Buffers(min(chunk, s2.shape[0]), s2.shape[1], dt, s2.device)
            for k, i in enumerate(range(0, s2.shape[0], chunk)):
                sl = slice(i, i + chunk)
                rows = zp2[sl].shape[0]
                gc, dc = g[sl, None], d[sl]
                # rows with zero upstream gradient (masked out) get exact zeros, even where D = inf
                zero_rows = None if bool(torch.isfinite(dc).all()) else torch.nonzero(gc[:, 0] == 0)[:, 0]
                lp, p = _log_softmax(_scaled(zp2[sl], temperature, dt, ws, "zp"), ws, "lp", "p")
                gq = None
                if gq_out is not None:  # (q - p) g / T, in the gradient itself unless it is 16-bit
                    gq = gq_out[sl] if gq_out.dtype == dt else ws("gq", rows)
                lq, q = _log_softmax(_scaled(zq2[sl], temperature, dt, ws, "zq"), ws, "lq", "q", gq)
                if gq is not None:
                    gq -= p
                    gq *= gc
                    if zero_rows is not None:
                        gq[zero_rows] = 0
                    if gq_out.dtype != dt:
                        gq_out[sl] = gq
                if gp_out is not None:  # p (log p - log q - D) g / T
                    gp = torch.sub(lp, lq, out=gp_out[sl] if gp_out.dtype == dt else ws("gp", rows))
                    if ninf[k]:
                        gp.masked_fill_(lp == -math.inf, 0.0)
                    gp -= dc[:, None]
                    gp *= p
                    gp *= gc
                    if zero_rows is not None:
                        gp[zero_rows] = 0
                    if gp_out.dtype != dt:
                        gp_out[sl] = gp
            return gs, gt, None, None, None, None

    return ChunkedKLFromLogits


def kl_rows(xp, s2, t2, temperature, chunk, reverse, tiers):
    """Per-row KL of 2-D torch logits, differentiable with respect to both (chunked backward)."""
    return _function().apply(s2, t2, temperature, chunk, reverse, tiers)
