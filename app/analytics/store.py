"""The vote matrix of the read model's data version: built by the first request that needs it."""

from __future__ import annotations

import threading

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from app.analytics.matrix import VoteMatrix, build
from app.readmodel import store
from app.readmodel.model import ReadModel

KEY = ("vote-matrix",)
#: One build at a time: the others wait for it rather than read the votes again.
_building = threading.Lock()


def matrix_of(request: Request, model: ReadModel) -> VoteMatrix:
    """The vote matrix of `model`'s data version (read once, then kept with the model)."""
    found: VoteMatrix | None = model.memo.get(KEY)
    if found is not None:
        return found
    with _building:
        found = model.memo.get(KEY)
        if found is None:
            with store.session(request) as session:
                made = build(session.connection(), model)
            found = model.remember(KEY, lambda: made)
    assert found is not None
    return found


async def amatrix(request: Request, model: ReadModel) -> VoteMatrix:
    """`matrix_of` for a handler on the event loop: a build (seconds on the whole record) runs
    in a worker thread, so the loop serves other requests meanwhile."""
    found: VoteMatrix | None = model.memo.get(KEY)
    if found is None:
        found = await run_in_threadpool(matrix_of, request, model)
    return found
