"""Storing parsed profiles: all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.errors import ProblemError
from app.profiles import store
from app.profiles.parser import parse
from tests.test_load import dump

#: Two profiles in one text: Albania's, then one whose country cannot be recognised.
SECOND_UNREADABLE = (
    "Albania\nMine Ban Policy\nThe Republic of Albania signed the Mine Ban Treaty on "
    "8 September 1998 and ratified it on 29 February 2000.[1]\n\n[1] A footnote.\n\n"
    "Qwerty Land\nCluster Munition Ban Policy\nQwerty Land has not joined the convention.\n"
)


def test_a_text_whose_second_profile_is_unreadable_writes_nothing(
    session: Session, connection: Connection
) -> None:
    parsed = parse(SECOND_UNREADABLE)
    assert (parsed.country, [s.country for s in parsed.sections]) == ("ALB", [None])
    before = dump(connection)
    with pytest.raises(ProblemError) as refused:
        store.ingest(session, SECOND_UNREADABLE)
    assert (refused.value.status, refused.value.kind, refused.value.parameter) == (
        422,
        "unreadable-profile",
        "text",
    )
    assert dump(connection) == before  # not even Albania's source, footnote or drafts
