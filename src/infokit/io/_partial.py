"""Counts of a stream of batches: the batches' partial counts, merged when they pile up."""

from __future__ import annotations

import numpy as np

__all__ = ["PartialCounts"]

_MIN_PENDING = 1 << 16  # partial counts kept before the first merge


class PartialCounts:
    """``(keys, counts)`` of batch after batch, merged by ``merge(keys, counts) -> (keys, counts)``.

    The parts are merged once the unmerged ones outgrow twice the merged
    table, so each key is merged O(1) times on average and memory stays
    proportional to the number of distinct keys.  ``keys`` are 1-D (outcomes)
    or 2-D (cells, one row per key).
    """

    def __init__(self, merge):
        self._merge = merge
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending = 0
        self._merged = 0

    def add(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self.parts.append((keys, counts))
        self._pending += counts.size
        if self._pending > max(2 * self._merged, _MIN_PENDING):
            self.reduce()

    @property
    def held(self) -> int:
        """Keys held: the merged table's and the unmerged parts' (an upper bound on the distinct keys)."""
        return self._merged + self._pending

    @property
    def pending(self) -> int:
        """Keys of the parts not merged yet."""
        return self._pending

    def reduce(self):
        """Merge every part into one; returns ``(keys, counts)``, or None before any batch."""
        if len(self.parts) > 1:
            keys = np.concatenate([p[0] for p in self.parts])
            counts = np.concatenate([p[1] for p in self.parts])
            self.parts = [self._merge(keys, counts)]
        self._merged = self.parts[0][1].size if self.parts else 0
        self._pending = 0
        return self.parts[0] if self.parts else None
