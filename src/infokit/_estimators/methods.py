"""The estimator names: one registry of every ``method=`` the estimate functions accept.

Each :class:`Method` says what data it takes (counts of discrete outcomes or
continuous samples), which estimates accept the name, the kernels that
compute it (in nats), the options of the estimate functions its kernel takes,
and its reference (``Estimate.diagnostics["reference"]``).  Every list of
names — the ``method=`` values an error message lists, :data:`ENTROPY_METHODS`
(the CLI's choices) — is read from here.

========================  ===================================================
estimate                  what accepts a name registered for it
========================  ===================================================
``ENTROPY``               :func:`~infokit.estimate_entropy`
``MUTUAL_INFORMATION``    :func:`~infokit.estimate_mutual_information` (a
                          discrete method estimates ``H(X) + H(Y) - H(X, Y)``)
``KL``                    :func:`~infokit.estimate_kl` of a sample against a
                          known Q (``H(P, Q) - H(P)``, ``H(P)`` by the entropy
                          method), or of continuous samples of P and Q
``KL_SAMPLED``            :func:`~infokit.estimate_kl` against a sample of Q
``CROSS_ENTROPY``         :func:`~infokit.estimate_cross_entropy`
========================  ===================================================
"""

from __future__ import annotations

import functools
from typing import Callable, Mapping, NamedTuple

from infokit._estimators import auto, bayes, continuous, cwj, discrete, jvhw, pseudocount, pym
from infokit._estimators.result import KernelResult, Profile
from infokit.errors import InvalidArgumentError

__all__ = [
    "Method",
    "METHODS",
    "ENTROPY_METHODS",
    "ENTROPY_KERNELS",
    "SUPPORT_SIZE_METHODS",
    "names",
    "check",
    "table_key",
    "entropy_nats",
    "DISCRETE",
    "CONTINUOUS",
    "ENTROPY",
    "MUTUAL_INFORMATION",
    "KL",
    "KL_SAMPLED",
    "CROSS_ENTROPY",
]

DISCRETE, CONTINUOUS = "discrete", "continuous"
ENTROPY, MUTUAL_INFORMATION, KL, KL_SAMPLED, CROSS_ENTROPY = (
    "entropy", "mutual_information", "kl", "kl_sampled", "cross_entropy")


class Method(NamedTuple):
    """One estimator name."""

    name: str
    #: DISCRETE (a function of the counts, through a Profile) or CONTINUOUS (of the samples themselves)
    data: str
    #: the estimates that accept the name
    estimates: frozenset
    #: estimate -> kernel; a discrete method's ENTROPY kernel also serves the estimates built from entropies
    kernels: Mapping[str, Callable]
    #: options of the estimate functions that the kernel takes (passed through as keywords)
    options: tuple = ()
    reference: str = ""
    #: whether a declared support size K (``support_size=``) changes the estimate (the others ignore it)
    uses_support_size: bool = False


_FROM_ENTROPIES = frozenset({ENTROPY, MUTUAL_INFORMATION, KL})
_ALL_DISCRETE = _FROM_ENTROPIES | {KL_SAMPLED, CROSS_ENTROPY}


def _discrete(kernel, reference, estimates=_FROM_ENTROPIES, options=(), *, uses_support_size=False):
    return Method(kernel.__name__, DISCRETE, frozenset(estimates), {ENTROPY: kernel}, options, reference,
                  uses_support_size)


_REGISTRY = [
    # the rule of infokit._estimators.auto picks a kernel, by the declared support size among other things
    Method("auto", DISCRETE, _ALL_DISCRETE, {}, uses_support_size=True),
    _discrete(discrete.plugin, "C. E. Shannon, A Mathematical Theory of Communication, Bell System Technical "
              "Journal 27 (1948) 379-423.", _ALL_DISCRETE),
    _discrete(discrete.miller_madow, "G. A. Miller, Note on the bias of information estimates, Information "
              "Theory in Psychology II-B (1955) 95-100.", _ALL_DISCRETE),
    _discrete(discrete.jackknife, "S. Zahl, Jackknifing an index of diversity, Ecology 58 (1977) 907-913; "
              "B. Efron & C. Stein, The jackknife estimate of variance, Annals of Statistics 9 (1981) 586-596."),
    _discrete(discrete.grassberger, "P. Grassberger, Entropy estimates from insufficient samplings, "
              "arXiv:physics/0307138 (2003), eq. 35."),
    _discrete(discrete.zhang, "Z. Zhang, Entropy estimation in Turing's perspective, Neural Computation 24 "
              "(2012) 1368-1389."),
    _discrete(discrete.chao_shen, "A. Chao & T.-J. Shen, Nonparametric estimation of Shannon's index of "
              "diversity when there are unseen species in sample, Environmental and Ecological Statistics 10 "
              "(2003) 429-443."),
    _discrete(discrete.shrinkage, "J. Hausser & K. Strimmer, Entropy inference and the James-Stein estimator, "
              "JMLR 10 (2009) 1469-1484.", uses_support_size=True),
    _discrete(discrete.bonachela, "J. A. Bonachela, H. Hinrichsen & M. A. Munoz, Entropy estimates of small "
              "data sets, J. Phys. A 41 (2008) 202001."),
    _discrete(bayes.dirichlet, "D. H. Wolpert & D. R. Wolf, Estimating functions of probability distributions "
              "from a finite set of samples, Phys. Rev. E 52 (1995) 6841.", {ENTROPY, KL}, ("concentration",),
              uses_support_size=True),
    _discrete(bayes.nsb, "I. Nemenman, F. Shafee & W. Bialek, Entropy and inference, revisited, NIPS 14 (2002); "
              "I. Nemenman, W. Bialek & R. de Ruyter van Steveninck, Phys. Rev. E 69 (2004) 056111.",
              uses_support_size=True),
    _discrete(pym.pym, "E. Archer, I. M. Park & J. W. Pillow, Bayesian entropy estimation for countable discrete "
              "distributions, JMLR 15 (2014) 2833-2868 (prior: the default of their reference implementation, "
              "github.com/pillowlab/PYMentropy)."),
    _discrete(cwj.chao_wang_jost, "A. Chao, Y. T. Wang & L. Jost, Entropy and the species accumulation curve: a "
              "novel entropy estimator via discovery rates of new species, Methods in Ecology and Evolution 4 "
              "(2013) 1091-1100, eq. 7."),
    _discrete(jvhw.jvhw, "J. Jiao, K. Venkat, Y. Han & T. Weissman, Minimax estimation of functionals of discrete "
              "distributions, IEEE Trans. Inf. Theory 61 (2015) 2835-2885 (the practical, no-splitting variant)."),
    _discrete(pseudocount.laplace, "Pseudo-count 1: P. S. Laplace, Essai philosophique sur les probabilites "
              "(1814); J. Hausser & K. Strimmer, JMLR 10 (2009) 1469-1484, Table 1.", uses_support_size=True),
    _discrete(pseudocount.jeffreys, "Pseudo-count 1/2: H. Jeffreys, Proc. R. Soc. A 186 (1946) 453-461; "
              "R. E. Krichevsky & V. K. Trofimov, IEEE Trans. Inf. Theory 27 (1981) 199-207.", uses_support_size=True),
    _discrete(pseudocount.minimax, "Pseudo-count sqrt(n)/K: S. Trybula, Zastosowania Matematyki 3 (1958) "
              "271-291; J. Hausser & K. Strimmer, JMLR 10 (2009) 1469-1484, Table 1.", uses_support_size=True),
    _discrete(pseudocount.schurmann_grassberger, "Pseudo-count 1/K: W. Perks, J. Inst. Actuaries 73 (1947) "
              "285-334; T. Schurmann & P. Grassberger, Entropy estimation of symbol sequences, Chaos 6 (1996) "
              "414-427.", uses_support_size=True),
    Method("knn", CONTINUOUS, frozenset({ENTROPY, KL}),
           {ENTROPY: continuous.knn_entropy, KL: continuous.knn_kl}, ("n_neighbors", "jitter"),
           "L. F. Kozachenko & N. N. Leonenko, Sample estimate of the entropy of a random vector, Probl. Inf. "
           "Transm. 23 (1987) 95-101 (entropy); Q. Wang, S. R. Kulkarni & S. Verdu, IEEE Trans. Inf. Theory 55 "
           "(2009) 2392-2405 (KL divergence)."),
    *(Method(key.replace(" ", "_"), CONTINUOUS, frozenset({ENTROPY}),
             {ENTROPY: functools.partial(continuous.spacing_entropy, method=key)}, ("jitter",), ref)
      for key, ref in continuous.SPACING_REFERENCES.items()),
    Method("ksg", CONTINUOUS, frozenset({MUTUAL_INFORMATION}), {MUTUAL_INFORMATION: continuous.ksg_mi},
           ("n_neighbors", "jitter"), "A. Kraskov, H. Stogbauer & P. Grassberger, Estimating mutual information, "
           "Phys. Rev. E 69 (2004) 066138, estimator 1."),
    Method("ross", CONTINUOUS, frozenset({MUTUAL_INFORMATION}), {MUTUAL_INFORMATION: continuous.ross_mi},
           ("n_neighbors", "jitter", "discrete"), "B. C. Ross, Mutual information between discrete and continuous "
           "data sets, PLoS ONE 9 (2014) e87357."),
]

#: Every estimator name, in the order error messages list them.
METHODS: dict[str, Method] = {m.name: m for m in _REGISTRY}


@functools.lru_cache(maxsize=None)
def names(*estimates: str, data: str | None = None) -> tuple:
    """The names accepted by any of ``estimates`` (of ``data``, if given), in registry order.

    Cached: the registry is fixed, and every estimate checks its ``method`` against it.
    """
    return tuple(m.name for m in _REGISTRY
                 if m.estimates.intersection(estimates) and (data is None or m.data == data))


#: Names whose estimate a declared support size changes (:attr:`Method.uses_support_size`).
SUPPORT_SIZE_METHODS = tuple(m.name for m in _REGISTRY if m.uses_support_size)

#: Names accepted by ``estimate_entropy(method=...)`` for discrete samples: "auto" and every kernel.
ENTROPY_METHODS = names(ENTROPY, data=DISCRETE)

#: The entropy kernels of discrete samples, name -> ``kernel(profile, *, level, rng)``.
ENTROPY_KERNELS = {m.name: m.kernels[ENTROPY] for m in _REGISTRY if m.data == DISCRETE and ENTROPY in m.kernels}


def check(method, *estimates: str, data: str | None = None, where: str = "") -> Method:
    """The :class:`Method` called ``method`` if one of ``estimates`` accepts it, else an error listing them."""
    valid = names(*estimates, data=data)
    if not isinstance(method, str) or method not in valid:
        raise InvalidArgumentError(
            f"'method' must be one of {', '.join(repr(v) for v in valid)}{where} (got {method!r})"
        )
    return METHODS[method]


def table_key(measure: str, method: Method) -> str:
    """The measure an estimate with ``method`` looks up in the kinds table.

    A continuous method has rows of its own (it takes the samples themselves,
    never an Empirical), so a wrong kind of argument gets a message naming it:
    ``ik.estimate_entropy(method='knn') is not defined for ...``.
    """
    return measure if method.data == DISCRETE else f"{measure}(method={method.name!r})"


def entropy_nats(prof: Profile, method: str, level: float, rng, **options) -> tuple[KernelResult, str, str | None]:
    """Run one discrete entropy method (``"auto"`` chooses one) on a profile: (result, method used, auto's reason)."""
    reason = None
    if method == "auto":
        method, reason = auto.choose(prof)
    return METHODS[method].kernels[ENTROPY](prof, level=level, rng=rng, **options), method, reason
