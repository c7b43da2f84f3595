"""Data under a model (infokit.models): H(P̂, Q) = -(1/n) Σ log q(x_i), perplexity, the MLE link."""

import math

import numpy as np
import pytest
from mpmath import mp, mpf
from scipy import optimize, stats

import infokit as ik
from infokit.errors import InvalidArgumentError, InvalidTypeError
from infokit.models import data_cross_entropy, is_model, perplexity


def rel(a, b):
    a, b = float(a), float(b)
    return abs(a - b) / abs(b) if b != 0 else abs(a)


RNG = np.random.default_rng(20240611)


# --------------------------------------------------------------------------
# scipy.stats models against mpmath
# --------------------------------------------------------------------------
def test_scipy_discrete_model_against_mpmath():
    x = stats.poisson(2.5).rvs(size=400, random_state=RNG)
    with mp.workdps(50):
        mu = mpf(2.5)
        ref = -mp.fsum(-mu + int(k) * mp.log(mu) - mp.loggamma(int(k) + 1) for k in x) / len(x)
    got = data_cross_entropy(x, stats.poisson(2.5))
    assert isinstance(got, np.float64)
    assert rel(got, ref) < 1e-13
    assert rel(ik.cross_entropy(x, stats.poisson(2.5)), ref) < 1e-13  # through the core's hook
    assert rel(ik.cross_entropy(list(x), stats.poisson(2.5), base="bits"), ref / mp.log(2)) < 1e-13
    assert rel(ik.cross_entropy(ik.empirical(x), stats.poisson(2.5)), ref) < 1e-13


def test_scipy_continuous_model_against_mpmath():
    x = RNG.normal(1.0, 2.5, size=300)
    with mp.workdps(50):
        m, s = mpf(1.0), mpf(2.0)
        ref = mp.fsum(mp.log(2 * mp.pi * s**2) / 2 + (mpf(float(v)) - m) ** 2 / (2 * s**2) for v in x) / len(x)
    assert rel(ik.cross_entropy(x, stats.norm(1.0, 2.0)), ref) < 1e-13


def test_scipy_multivariate_model():
    mean, cov = np.array([0.5, -1.0]), np.array([[2.0, 0.4], [0.4, 1.0]])
    q = stats.multivariate_normal(mean, cov)
    x = RNG.multivariate_normal(mean, cov, size=200)
    assert rel(ik.cross_entropy(x, q), -np.mean(q.logpdf(x))) < 1e-14
    with pytest.raises(InvalidArgumentError, match="n×2"):
        ik.cross_entropy(x[:, :1], q)
    with pytest.raises(InvalidArgumentError, match="n×d|n×2"):
        ik.cross_entropy(x[:, 0], q)
    d = stats.dirichlet([1.0, 2.0, 3.0])
    y = d.rvs(size=50, random_state=RNG)
    assert rel(ik.cross_entropy(y, d), -np.mean(d.logpdf(y.T))) < 1e-14


def test_counting_gives_the_per_sample_value():
    x = stats.binom(20, 0.3).rvs(size=5000, random_state=RNG)
    q = stats.binom(20, 0.35)
    assert rel(data_cross_entropy(x, q), -math.fsum(q.logpmf(x)) / x.size) < 1e-13


# --------------------------------------------------------------------------
# torch models
# --------------------------------------------------------------------------
def test_torch_model_is_differentiable_with_the_analytic_gradient():
    torch = pytest.importorskip("torch")
    x = RNG.normal(0.7, 1.3, size=500)
    mu = torch.tensor(0.2, dtype=torch.float64, requires_grad=True)
    sigma = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    h = ik.cross_entropy(x, torch.distributions.Normal(mu, sigma))
    assert isinstance(h, torch.Tensor) and h.ndim == 0 and h.requires_grad
    ref = np.mean(0.5 * np.log(2 * np.pi * 1.5**2) + (x - 0.2) ** 2 / (2 * 1.5**2))
    assert rel(h.item(), ref) < 1e-13
    h.backward()
    g_mu = -(x.mean() - 0.2) / 1.5**2
    g_sigma = 1 / 1.5 - np.mean((x - 0.2) ** 2) / 1.5**3
    assert rel(mu.grad.item(), g_mu) < 1e-12
    assert rel(sigma.grad.item(), g_sigma) < 1e-12


def test_torch_batched_classifier_matches_torch_cross_entropy():
    torch = pytest.importorskip("torch")
    logits = torch.tensor(RNG.normal(size=(64, 10)), requires_grad=True)
    labels = torch.tensor(RNG.integers(0, 10, size=64))
    h = ik.cross_entropy(labels, torch.distributions.Categorical(logits=logits), base="nats")
    ref = torch.nn.functional.cross_entropy(logits, labels)
    assert torch.allclose(h, ref, rtol=1e-13, atol=0)
    h.backward()
    assert logits.grad is not None and logits.grad.shape == logits.shape


def test_torch_discrete_counted_and_outside_support():
    torch = pytest.importorskip("torch")
    rate = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    x = stats.poisson(3.0).rvs(size=1000, random_state=RNG)
    q = torch.distributions.Poisson(rate)
    h = data_cross_entropy(x, q)
    ref = -q.log_prob(torch.tensor(x, dtype=torch.float64)).mean()
    assert rel(h.item(), ref.item()) < 1e-13
    h.backward()
    assert rel(rate.grad.item(), 1 - x.mean() / 3.0) < 1e-12  # d/dλ of λ - x̄ log λ
    assert data_cross_entropy([1, 2, -1], q).item() == math.inf
    u = torch.distributions.Uniform(torch.tensor(0.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64))
    assert data_cross_entropy([0.5, 2.0], u).item() == math.inf
    assert data_cross_entropy(torch.tensor([0.5, 0.25], dtype=torch.float64), u).item() == 0.0


def test_torch_data_shape_errors():
    torch = pytest.importorskip("torch")
    mvn = torch.distributions.MultivariateNormal(torch.zeros(3, dtype=torch.float64), torch.eye(3, dtype=torch.float64))
    x = RNG.normal(size=(10, 3))
    assert rel(data_cross_entropy(x, mvn).item(), -mvn.log_prob(torch.tensor(x)).mean().item()) < 1e-14
    with pytest.raises(InvalidArgumentError, match="event shape"):
        data_cross_entropy(RNG.normal(size=(10, 2)), mvn)
    with pytest.raises(InvalidArgumentError, match="event shape"):
        data_cross_entropy(RNG.normal(size=3), mvn)


# --------------------------------------------------------------------------
# Categorical and callable models
# --------------------------------------------------------------------------
def test_categorical_model_indexed_by_integer_outcomes():
    lp = np.log([0.5, 0.25, 0.125, 0.125])
    q = ik.from_log_probs(lp)
    x = [0, 1, 1, 3, 0, 0]
    assert rel(data_cross_entropy(x, q), -np.mean(lp[x])) < 1e-15
    assert rel(data_cross_entropy(x, q, base=2), -np.mean(lp[x]) / math.log(2)) < 1e-15
    assert data_cross_entropy([0, 4], q) == math.inf  # outcome 4 is outside 0..3
    assert data_cross_entropy([0, 1.5], q) == math.inf
    with pytest.raises(InvalidTypeError, match="integer outcomes"):
        data_cross_entropy(["a", "b"], q)
    with pytest.raises(InvalidArgumentError, match="batch shape"):
        data_cross_entropy([0], ik.from_logits(np.zeros((2, 3))))


def test_categorical_model_in_torch_keeps_autograd():
    torch = pytest.importorskip("torch")
    z = torch.tensor([0.0, 1.0, 2.0], dtype=torch.float64, requires_grad=True)
    h = data_cross_entropy([0, 2, 2, 1], ik.from_logits(z))
    h.backward()
    p = torch.softmax(z.detach(), 0).numpy()
    freq = np.array([1, 1, 2]) / 4
    np.testing.assert_allclose(z.grad.numpy(), p - freq, rtol=1e-12)  # ∂NLL/∂z = softmax(z) - frequencies


def test_callable_models():
    x = RNG.exponential(2.0, size=100)
    vec = lambda v: -np.log(2.0) - v / 2.0  # noqa: E731  (log-density of Exp(mean 2))
    ref = -np.mean(vec(x))
    assert rel(ik.cross_entropy(x, vec), ref) < 1e-15
    scalar = lambda v: -math.log(2.0) - v / 2.0 if v >= 0 else -math.inf  # noqa: E731  one point at a time
    assert rel(data_cross_entropy(list(x), scalar), ref) < 1e-14
    assert data_cross_entropy([-1.0, 1.0], scalar) == math.inf
    e = ik.empirical([1, 1, 2, 5])
    assert rel(data_cross_entropy(e, vec), -np.mean(vec(np.array([1, 1, 2, 5])))) < 1e-15
    with pytest.raises(InvalidArgumentError, match="one log-probability per data point"):
        data_cross_entropy(x, lambda v: np.zeros(3))


def test_outside_support_is_inf():
    assert ik.cross_entropy([0.5, 1.5], stats.uniform(0, 1)) == math.inf
    assert ik.cross_entropy([1, 2, -3], stats.poisson(2.0)) == math.inf
    assert ik.cross_entropy([1, 2, 2.5], stats.poisson(2.0)) == math.inf
    assert ik.cross_entropy([-0.1, 1.0], stats.expon()) == math.inf


# --------------------------------------------------------------------------
# the identity and the maximum-likelihood fit
# --------------------------------------------------------------------------
def test_cross_entropy_is_entropy_plus_kl_for_a_discrete_model():
    q = stats.poisson(3.0)
    x = q.rvs(size=2000, random_state=RNG)
    e = ik.empirical(x)
    h_pq = ik.cross_entropy(x, q)
    h_p = ik.entropy(e)
    d = ik.kl_divergence(e, q.pmf(np.arange(80)))  # Q's pmf indexed by outcome (tail beyond 80: < 1e-80)
    assert rel(h_pq, h_p + d) < 1e-13
    assert d > 0 and h_pq > h_p
    # and for a Categorical model
    lq = np.log([0.1, 0.2, 0.3, 0.4])
    y = RNG.integers(0, 4, size=500)
    f = ik.empirical(y)
    assert rel(ik.cross_entropy(y, lambda v: lq[v]), ik.entropy(f) + ik.kl_divergence(f, np.exp(lq))) < 1e-13


def test_minimum_cross_entropy_is_the_poisson_mle():
    x = stats.poisson(4.2).rvs(size=3000, random_state=RNG)
    fit = optimize.minimize_scalar(lambda lam: ik.cross_entropy(x, stats.poisson(lam)), bounds=(0.5, 20.0),
                                   method="bounded", options={"xatol": 1e-10})
    assert abs(fit.x - x.mean()) < 1e-6


def test_minimum_cross_entropy_is_the_exponential_mle():
    x = RNG.exponential(1.7, size=1000)
    fit = optimize.minimize_scalar(lambda s: ik.cross_entropy(x, stats.expon(scale=s)), bounds=(0.1, 10.0),
                                   method="bounded", options={"xatol": 1e-10})
    assert abs(fit.x - x.mean()) < 1e-6


def test_minimum_cross_entropy_is_the_categorical_mle_by_gradient_descent():
    torch = pytest.importorskip("torch")
    y = RNG.choice(5, size=1000, p=[0.05, 0.1, 0.2, 0.3, 0.35])
    freq = np.bincount(y, minlength=5) / y.size
    labels = torch.tensor(y)
    theta = torch.zeros(5, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([theta], lr=1.0, max_iter=200, tolerance_grad=1e-14, tolerance_change=1e-16,
                            line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = ik.cross_entropy(labels, torch.distributions.Categorical(logits=theta))
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(torch.softmax(theta.detach(), 0).numpy(), freq, atol=1e-8)
    # the minimum is H(P̂): the divergence term vanishes at the MLE
    h_min = ik.cross_entropy(labels, torch.distributions.Categorical(logits=theta.detach()))
    assert abs(h_min.item() - ik.entropy(ik.empirical(y))) < 1e-12


# --------------------------------------------------------------------------
# perplexity
# --------------------------------------------------------------------------
@pytest.mark.parametrize("k", [1, 2, 7, 1000])
def test_perplexity_of_uniform_is_k(k):
    assert rel(perplexity(np.full(k, 1.0 / k)), k) < 1e-13
    assert rel(perplexity(ik.from_logits(np.zeros(k))), k) < 1e-13
    assert rel(perplexity(stats.randint(0, k)), k) < 1e-12
    assert rel(perplexity(ik.empirical(np.arange(k))), k) < 1e-13


def test_perplexity_forms():
    p = np.array([0.5, 0.25, 0.125, 0.125])
    assert rel(perplexity(p), 2 ** float(ik.entropy(p, base="bits"))) < 1e-14  # unit-free
    assert rel(perplexity(p, np.full(4, 0.25)), 4.0) < 1e-14
    x = stats.poisson(3).rvs(size=100, random_state=RNG)
    assert rel(perplexity(x, stats.poisson(3)), math.exp(ik.cross_entropy(x, stats.poisson(3)))) < 1e-14
    assert rel(perplexity(stats.norm(0, 1), stats.norm(0, 1)), math.sqrt(2 * math.pi * math.e)) < 1e-14
    assert rel(perplexity(ik.empirical([0, 1, 1, 3]), ik.from_log_probs(np.log(p))), 4.0) < 1e-14
    np.testing.assert_allclose(perplexity([[0.5, 0.5], [0.25, 0.75]]), np.exp(ik.entropy([[0.5, 0.5], [0.25, 0.75]])))
    torch = pytest.importorskip("torch")
    t = perplexity(torch.tensor([0.25, 0.25, 0.25, 0.25], dtype=torch.float64))
    assert isinstance(t, torch.Tensor) and abs(t.item() - 4.0) < 1e-13


# --------------------------------------------------------------------------
# what counts as a model, errors
# --------------------------------------------------------------------------
def test_is_model():
    assert is_model(stats.norm(0, 1)) and is_model(lambda v: v) and is_model(np.log)
    assert not is_model(stats.norm) and not is_model(np.array([0.5, 0.5])) and not is_model([0.5, 0.5])
    assert not is_model(ik.from_logits([0.0, 1.0])) and not is_model(ik.empirical([1, 2]))
    assert not is_model(dict) and not is_model({0: 0.5, 1: 0.5})


def test_errors():
    with pytest.raises(InvalidTypeError, match="scipy.stats.*torch.distributions.*Categorical.*callable"):
        data_cross_entropy([1, 2], "poisson")
    with pytest.raises(InvalidTypeError, match="freeze"):
        data_cross_entropy([1, 2], stats.poisson)
    with pytest.raises(InvalidArgumentError, match="1-D"):
        ik.cross_entropy(np.zeros((3, 2)), stats.norm(0, 1))
    with pytest.raises(InvalidArgumentError, match="1-D"):
        ik.cross_entropy(np.zeros((3, 2), dtype=int), stats.poisson(1))
    with pytest.raises(InvalidArgumentError, match="empty"):
        ik.cross_entropy(np.array([]), stats.norm(0, 1))
    with pytest.raises(InvalidTypeError, match="'data'"):
        data_cross_entropy(ik.from_logits([0.0, 1.0]), stats.norm(0, 1))
    with pytest.raises(InvalidTypeError, match="cross_entropy"):
        ik.kl_divergence([1, 2, 3], stats.poisson(2.0))
    with pytest.raises(InvalidTypeError, match="both"):
        ik.cross_entropy(stats.norm(0, 1), lambda v: v)
    with pytest.raises(InvalidArgumentError, match="batched"):
        data_cross_entropy([0.1, 0.2], stats.norm([0.0, 1.0], 1.0))


def test_core_behaviour_unchanged():
    assert float(ik.cross_entropy([0.5, 0.25, 0.125, 0.125], [0.25] * 4, base="bits")) == 2.0
    assert float(ik.entropy([0.5, 0.5], base=2)) == 1.0
    assert float(ik.kl_divergence([0.5, 0.5], [1.0, 0.0])) == math.inf
