"""Estimates of the true distribution's measures from samples, with uncertainty.

``result`` (Profile, KernelResult, Estimate, GTestResult, make_estimate) →
kernels ``discrete``, ``bayes``, ``continuous`` and the ``auto`` rule →
``methods`` (the one registry of estimator names) → ``arguments`` (kinds and
options of the estimate functions) → ``entropy``, ``information``,
``divergence``, ``gtest`` (the estimate functions, each registering its rows
in :mod:`infokit._dispatch`'s table).
"""
