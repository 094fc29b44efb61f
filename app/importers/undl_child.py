"""Read a vote file in a child process while this one writes the votes: both cores at work.

The file is opened here and read by a forked child, which checks every row (`read_votes`)
and sends the kept votes back in batches over a pipe, then the tallies and the checksum.
Errors come back as the same UndlError, naming the line and the column.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from app.importers.undl_fields import UndlError
from app.importers.undl_read import CountryLookup, InputFile, ReadResult, VoteRow, read_votes

Sink = Callable[[list[VoteRow], int], None]


def read_in_child(
    infile: InputFile,
    lookup: CountryLookup,
    keep: Callable[[str | None], bool],
    sink: Sink,
) -> tuple[ReadResult, str]:
    """Read `infile` in a child; `sink(batch, bytes_read)` gets the kept votes here (and,
    last, an empty batch with the size of the whole file).

    Returns what `read_votes` returns and the file's checksum; raises its UndlError.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_read,
        args=(infile, lookup, keep, sender, receiver),
        name="undl-reader",
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise UndlError("the file reader stopped before the end") from None
            if kind == "batch":
                sink(*payload)
            elif kind == "error":
                raise UndlError(*payload)
            else:
                result, checksum, done = payload
                sink([], done)
                return result, checksum
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _read(
    infile: InputFile,
    lookup: CountryLookup,
    keep: Callable[[str | None], bool],
    out: Connection,
    parents_end: Connection,
) -> None:
    """The child: check every row, send batches, then the result (or the error).

    The child closes its copy of the parent's end of the pipe at once: if the parent dies,
    the next send fails and the child ends, closing the database connection it inherited
    (a child left alive would keep the parent's transaction, and its locks, open).
    """
    parents_end.close()
    message: tuple[str, Any]
    try:

        def send(batch: list[VoteRow]) -> None:
            out.send(("batch", (batch, infile.raw.bytes_read)))

        result = read_votes(infile.text, lookup, keep, send)
        message = ("done", (result, infile.checksum(), infile.raw.bytes_read))
    except UndlError as exc:
        message = ("error", (exc.message, exc.line, exc.column))
    except Exception as exc:  # anything else still reaches the parent, as a refusal
        message = ("error", (f"cannot read the file: {type(exc).__name__}: {exc}",))
    out.send(message)
    out.close()
