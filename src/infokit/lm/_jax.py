"""JAX side of :func:`infokit.lm.kl_from_logits`: ``jax.custom_vjp``, ``lax.map`` over chunks.

JAX is imported inside the functions, which run only on JAX arrays:
importing :mod:`infokit.lm` never imports it.
"""

from __future__ import annotations

import functools

import numpy as np

from infokit._lib.checks import _concrete, logits_error
from infokit.lm import _distill


def _map_rows(fn, chunk, *arrays):
    """``fn`` over chunks of rows (``lax.map`` over the whole chunks, then the remainder), concatenated."""
    import jax
    import jax.numpy as jnp

    n = arrays[0].shape[0]
    full = n // chunk
    parts = []
    if full:
        main = tuple(a[: full * chunk].reshape((full, chunk) + a.shape[1:]) for a in arrays)
        res = jax.lax.map(lambda xs: fn(*xs), main)
        parts.append(tuple(r.reshape((full * chunk,) + r.shape[2:]) for r in res))
    if n - full * chunk or not parts:
        parts.append(fn(*(a[full * chunk :] for a in arrays)))
    if len(parts) == 1:
        return parts[0]
    return tuple(jnp.concatenate([p[k] for p in parts]) for k in range(len(parts[0])))


@functools.lru_cache(maxsize=64)
def _function(temperature, chunk, reverse, tier_names):
    """A jitted per-row KL for JAX: ``jax.custom_vjp``, forward and backward mapped over chunks."""
    import jax
    import jax.numpy as jnp

    tiers = [jnp.dtype(n) for n in tier_names]
    tol = _distill.TOL[_distill.bits(jnp, tiers[0])]

    def rows_kl(s, t):
        zp, zq = (s, t) if reverse else (t, s)
        d, sc = _distill.fast_pass(jnp, zp, zq, temperature, tiers[0], True)
        flag = _distill.uncertain(jnp, d, sc, tiers[0], tol)
        for nxt in tiers[1:]:

            def again(args, nxt=nxt):
                d0, f0 = args
                dn, sn = _distill.fast_pass(jnp, zp, zq, temperature, nxt, True)
                return jnp.where(f0, dn.astype(d0.dtype), d0), f0 & _distill.uncertain(jnp, dn, sn, nxt, tol)

            d, flag = jax.lax.cond(jnp.any(flag), again, lambda a: a, (d, flag))

        def core(d0):
            return jnp.where(flag, _distill.core_pass(jnp, zp, zq, temperature, tiers[-1]).astype(d0.dtype), d0)

        return (jax.lax.cond(jnp.any(flag), core, lambda d0: d0, d),)

    def rows_grad(s, t, d, g):
        dt = tiers[0]
        zp, zq = (s, t) if reverse else (t, s)
        lp = jax.nn.log_softmax(_distill.chunk_rows(jnp, zp, dt, temperature), axis=-1)
        lq = jax.nn.log_softmax(_distill.chunk_rows(jnp, zq, dt, temperature), axis=-1)
        gc = (g.astype(dt) / temperature)[:, None]
        zero = gc == 0
        p = jnp.exp(lp)
        gq = jnp.where(zero, 0.0, (jnp.exp(lq) - p) * gc)
        gp = jnp.where(zero, 0.0, p * (jnp.where(lp == -jnp.inf, 0.0, lp - lq) - d[:, None].astype(dt)) * gc)
        gs, gt = (gp, gq) if reverse else (gq, gp)
        return gs.astype(s.dtype), gt.astype(t.dtype)

    @jax.custom_vjp
    def kl(s2, t2):
        return _map_rows(rows_kl, chunk, s2, t2)[0]

    def fwd(s2, t2):
        d = kl(s2, t2)
        return d, (s2, t2, d)

    def bwd(res, g):
        s2, t2, d = res
        return _map_rows(rows_grad, chunk, s2, t2, d, g)

    kl.defvjp(fwd, bwd)
    return jax.jit(kl)


@functools.lru_cache(maxsize=1)
def _checker():
    import jax
    import jax.numpy as jnp

    def check(z):
        return jnp.any(jnp.isnan(z) | (z == jnp.inf)), jnp.any(jnp.all(z == -jnp.inf, axis=-1))

    return jax.jit(check)


def _check(z, name):
    """NaN / +inf logits and all -inf rows, in one jitted pass (skipped when traced)."""
    bad, dead = _checker()(z)
    if _concrete(bad) is True:
        raise logits_error(name, "nan_inf")
    if _concrete(dead) is True:
        raise logits_error(name, "all_ninf", where="position")


def kl_rows(xp, s2, t2, temperature, chunk, reverse, tiers):
    """Per-row KL of 2-D JAX logits, differentiable (``jax.grad``, also under ``jax.jit``)."""
    if not s2.shape[0]:
        return _distill.kl_rows(xp, s2, t2, temperature, chunk, reverse, tiers)
    _check(s2, "student_logits")
    _check(t2, "teacher_logits")
    return _function(temperature, chunk, reverse, tuple(np.dtype(dt).name for dt in tiers))(s2, t2)
