"""The public names are a contract; importing infokit loads no optional library."""

import subprocess
import sys

import infokit as ik

CONTRACT = {
    "information", "entropy", "cross_entropy", "kl_divergence", "js_divergence", "js_distance",
    "renyi_entropy", "renyi_divergence", "from_logits", "from_log_probs", "Categorical",
    "decompose", "Decomposition", "InfokitError", "InvalidArgumentError",
    "InvalidDistributionError", "InvalidTypeError",
    # empirical distributions and estimators
    "Empirical", "empirical", "empirical_joint", "joint_entropy", "conditional_entropy",
    "mutual_information", "conditional_mutual_information", "Estimate", "GTestResult",
    "estimate_entropy", "estimate_mutual_information", "estimate_kl", "estimate_cross_entropy",
    "g_test", "InfokitWarning", "UnseenOutcomeWarning", "ContinuousDataWarning", "ApproximationWarning",
    # models and parametric distributions
    "perplexity", "register_kl", "lm",
    # drift
    "drift",
}


def test_public_names():
    assert set(ik.__all__) == CONTRACT
    for name in CONTRACT:
        assert getattr(ik, name).__doc__, name


def test_errors_are_builtin_subclasses():
    assert issubclass(ik.InvalidDistributionError, ValueError)
    assert issubclass(ik.InvalidArgumentError, ValueError)
    assert issubclass(ik.InvalidTypeError, TypeError)


def test_import_is_light():
    code = (
        "import sys, infokit; heavy = {'torch', 'jax', 'pyarrow', 'dask', 'matplotlib', 'pandas'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_keyword_only_options():
    import inspect

    for f in (ik.entropy, ik.cross_entropy, ik.kl_divergence, ik.js_divergence, ik.renyi_entropy):
        params = inspect.signature(f).parameters
        for opt in ("base", "axis", "keepdims", "normalize"):
            assert params[opt].kind is inspect.Parameter.KEYWORD_ONLY, (f.__name__, opt)
    for f in (ik.estimate_entropy, ik.estimate_kl, ik.estimate_cross_entropy, ik.estimate_mutual_information):
        params = inspect.signature(f).parameters
        for opt in ("base", "ci", "rng", "dropna"):
            assert params[opt].kind is inspect.Parameter.KEYWORD_ONLY, (f.__name__, opt)
