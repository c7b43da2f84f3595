"""Bins fitted on a reference sample (public path of :mod:`infokit._samples.binning`)."""

from infokit._samples.binning import MISSING, UNSEEN, Binning, Categories, binning_for, fit_bins, fit_categories

__all__ = ["Binning", "Categories", "fit_bins", "fit_categories", "binning_for", "MISSING", "UNSEEN"]
