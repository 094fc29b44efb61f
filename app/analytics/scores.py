"""Agreement and coincidence between the rows of two blocks of vote codes, by matrix products."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.analytics.matrix import ABSTAIN, NO, YES, Codes

Counts = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

#: The lowest and the highest set bit of each byte (of 0: unused).
LOW = np.array([(b & -b).bit_length() - 1 if b else 0 for b in range(256)], dtype=np.intp)
HIGH = np.array([b.bit_length() - 1 if b else 0 for b in range(256)], dtype=np.intp)


@dataclass(frozen=True)
class Table:
    """Scores of every row of a left block against every row of a right one (n by m)."""

    votes: Counts
    votes_yes_no: Counts
    same: Counts
    opposite: Counts
    #: Column (of the blocks) of the first and the last resolution counted; -1: none.
    first: Counts
    last: Counts

    @property
    def agree(self) -> Floats:
        """Voeten's agreement (NaN where nothing is counted)."""
        half = self.votes - self.same - self.opposite
        with np.errstate(invalid="ignore", divide="ignore"):
            found: Floats = (self.same + 0.5 * half) / self.votes
        return found

    @property
    def coincidence(self) -> Floats:
        """The State Department's coincidence (NaN without a yes-or-no pair)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            found: Floats = (self.votes_yes_no - self.opposite) / self.votes_yes_no
        return found


def compare(left: Codes, right: Codes) -> Table:
    """Scores of each row of `left` against each row of `right` (same columns)."""
    ly, ln, la = _split(left)
    ry, rn, ra = _split(right)
    lk, rk = ly + ln + la, ry + rn + ra
    first, last = _bounds(lk > 0, rk > 0)
    return Table(
        votes=_count(lk @ rk.T),
        votes_yes_no=_count((ly + ln) @ (ry + rn).T),
        same=_count(ly @ ry.T + ln @ rn.T + la @ ra.T),
        opposite=_count(ly @ rn.T + ln @ ry.T),
        first=first,
        last=last,
    )


def _split(block: Codes) -> tuple[npt.NDArray[np.float32], ...]:
    """Yes, no and abstain as 0/1 matrices (float32: products of them count exactly)."""
    return tuple((block == code).astype(np.float32) for code in (YES, NO, ABSTAIN))


def _count(product: npt.NDArray[np.float32]) -> Counts:
    """A product of 0/1 matrices as the whole numbers it holds."""
    return np.rint(product).astype(np.int64)


def _bounds(left: npt.NDArray[np.bool_], right: npt.NDArray[np.bool_]) -> tuple[Counts, Counts]:
    """For each pair of rows, the first and the last column where both are true (-1: none):
    the rows packed eight columns to a byte, one left row against every right row at a time."""
    n, m = left.shape[0], right.shape[0]
    first = np.full((n, m), -1, dtype=np.int64)
    last = np.full((n, m), -1, dtype=np.int64)
    if left.shape[1] == 0:
        return first, last
    lp = np.packbits(left, axis=1, bitorder="little")
    rp = np.packbits(right, axis=1, bitorder="little")
    width = lp.shape[1]
    every = np.arange(m)
    for i in range(n):
        both = rp & lp[i]
        nonzero = both != 0
        some = nonzero.any(axis=1)
        lo = nonzero.argmax(axis=1)
        hi = width - 1 - nonzero[:, ::-1].argmax(axis=1)
        first[i] = np.where(some, lo * 8 + LOW[both[every, lo]], -1)
        last[i] = np.where(some, hi * 8 + HIGH[both[every, hi]], -1)
    return first, last
