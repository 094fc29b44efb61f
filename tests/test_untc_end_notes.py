"""UNTC end notes: footnotes of their page's source, linked to the actions they back; their text
comes from the page itself, never from data/public, and survives later loads."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app import dataversion, models
from app.config import Settings
from app.db import make_engine
from app.importers.untc import import_pages
from app.importers.untc_notes import EndNote
from app.importers.untc_page import UntcPageError, parse_page, read_page
from app.importers.yamlfile import DataFileError
from app.public.load import load
from tests.conftest import DATA_DIR, migrate
from tests.test_untc import page_path
from tests.test_untc_import import edited

MBT = "untc-status-xxvi-5"
LTU_NOTE = (
    "On 27 June 2025, the Government of the Republic of Lithuania deposited with the "
    "Secretary-General a notification of withdrawal (See depositary notification "
    "C.N.362.2025.TREATIES-XXVI-5 of 3 July 2025). The withdrawal took effect for Lithuania on "
    "27 December 2025 in accordance with article 20 (3) of the Convention."
)
POL_NOTE = (
    "On 20 August 2025, the Government of Poland deposited with the Secretary-General a "
    "notification of withdrawal (see depositary notification C.N.421.2025.TREATIES-XXVI-5 of "
    "26 August 2025). The withdrawal will take effect for Poland on 20 February 2026 in "
    "accordance with article 20 (3) of the Convention, subject to the condition set forth in "
    "the said paragraph."
)


def citation(number: int, text: str | None, day: str | None) -> dict[str, Any]:
    """An end note of the Mine Ban Treaty page as the API serves it."""
    return {
        "id": f"{MBT}:{number}",
        "source": MBT,
        "number": number,
        "text": text,
        "issuer": None,
        "reference": f"End note {number}",
        "date": day,
        "place": None,
    }


def cited(client: TestClient, iso3: str, as_of: str) -> dict[str, tuple[Any, ...]]:
    """Each Mine Ban Treaty action of a country: its date, note and citations."""
    body = client.get(f"/v1/countries/{iso3}/treaties/mbt", params={"as_of": as_of}).json()
    actions = body["actions"] + body.get("later_actions", [])
    return {a["id"]: (a["date"], a["note"], a["citations"]) for a in actions}


def test_the_public_record_serves_the_note_by_number_and_date(client: TestClient) -> None:
    """data/public alone (a bare clone): the footnote without its text."""
    bare = citation(4, None, "2025-06-27")
    assert cited(client, "LTU", "2026-02-03") == {
        "untc-mbt-ltu-signature": ("1999-02-26", None, []),
        "untc-mbt-ltu-ratification": ("2003-05-12", None, []),
        "untc-mbt-ltu-withdrawal-notified": ("2025-06-27", None, [bare]),
        "untc-mbt-ltu-withdrawal-effective": ("2025-12-27", None, [bare]),
    }
    found = client.get(f"/v1/citations/{MBT}:4").json()
    assert (found["text"], found["reference"], found["date"]) == (None, "End note 4", "2025-06-27")


def test_importing_the_page_serves_the_notes_text(client: TestClient, session: Session) -> None:
    version = dataversion.current(session)
    [report] = import_pages(session, [read_page(page_path("ottawa"))])
    assert (report.actions.updated, report.end_notes.updated) == (0, 12)
    assert dataversion.current(session) == version + 1
    ltu = citation(4, LTU_NOTE, "2025-06-27")
    assert cited(client, "LTU", "2026-02-03") == {
        "untc-mbt-ltu-signature": ("1999-02-26", None, []),
        "untc-mbt-ltu-ratification": ("2003-05-12", None, []),
        "untc-mbt-ltu-withdrawal-notified": ("2025-06-27", None, [ltu]),
        "untc-mbt-ltu-withdrawal-effective": ("2025-12-27", None, [ltu]),
    }
    pol = citation(8, POL_NOTE, "2025-08-20")
    assert cited(client, "POL", "2026-03-01") == {
        "untc-mbt-pol-signature": ("1997-12-04", None, []),
        "untc-mbt-pol-ratification": ("2012-12-27", None, []),
        "untc-mbt-pol-withdrawal-notified": ("2025-08-20", None, [pol]),
        "untc-mbt-pol-withdrawal-effective": ("2026-02-20", None, [pol]),
    }
    found = client.get(f"/v1/citations/{MBT}:8").json()
    assert {k: found[k] for k in pol} == pol
    assert found["records"] == [
        {"record_type": "treaty_action", "record_id": "untc-mbt-pol-withdrawal-effective"},
        {"record_type": "treaty_action", "record_id": "untc-mbt-pol-withdrawal-notified"},
    ]
    assert found["source_detail"]["id"] == MBT
    assert found["source_detail"]["citation_count"] == 12
    source = client.get(f"/v1/sources/{MBT}").json()
    assert [c["number"] for c in source["citations"]] == list(range(1, 13))
    hits = client.get("/v1/search", params={"q": "Chagos Archipelago"}).json()["data"]
    assert [(h["kind"], h["id"]) for h in hits] == [("citation", f"{MBT}:5")]


@pytest.mark.parametrize(
    ("name", "participant", "backed"),
    [
        # a withdrawal note backs the withdrawal it gives the dates of
        ("ottawa", "Lithuania", {"withdrawal_notified": (4,), "withdrawal_effective": (4,)}),
        # ... and the actions it names: "In its notification of provisional application, …"
        (
            "ccm",
            "Lithuania",
            {
                "provisional_application": (3,),
                "withdrawal_notified": (3,),
                "withdrawal_effective": (3,),
            },
        ),
        ("ccm", "Denmark", {"ratification": (2,)}),  # "Upon its ratification …"
        ("ccm", "Belize", {"provisional_application": (1,)}),
        ("ccw", "Lao People's Democratic Republic", {"accession": (5,)}),  # "… acceded"
        # a note naming no action of the row is about its consent to be bound
        ("ottawa", "Ukraine", {"ratification": (10, 11)}),  # two communications
        ("ccw", "Bosnia and Herzegovina", {"succession": (1,)}),  # the former Yugoslavia's
        ("ccw", "Netherlands (Kingdom of the)", {"acceptance": (7,)}),  # territorial application
        # the German Democratic Republic "had signed and ratified"
        ("ccw", "Germany", {"signature": (4,), "ratification": (4,)}),
    ],
)
def test_which_actions_a_note_backs(
    name: str, participant: str, backed: dict[str, tuple[int, ...]]
) -> None:
    page = read_page(page_path(name))
    [who] = [p for p in page.participants if p.name == participant]
    assert {a.kind.value: a.notes for a in who.actions if a.notes} == backed


def test_the_notes_a_page_refers_to() -> None:
    page = read_page(page_path("ottawa"))
    assert list(page.end_notes) == list(range(1, 13))
    assert page.end_notes[4] == EndNote(4, LTU_NOTE, date(2025, 6, 27))
    assert page.end_notes[8] == EndNote(8, POL_NOTE, date(2025, 8, 20))
    assert page.end_notes[12].date == date(2001, 12, 4)  # "On 4 December 2001: Extension …"
    ccw = read_page(page_path("ccw"))
    assert list(ccw.end_notes) == list(range(1, 8))  # note 8, on the protocols, is no row's
    assert ccw.end_notes[2] == EndNote(
        2,
        "See note 2 under ”China” in the “Historical Information” section in the front matter "
        "of this volume.",
        None,
    )
    assert ccw.end_notes[1].date is None  # dates of the former Yugoslavia's acts, no "On …,"


def note_texts(session: Session) -> dict[int, str | None]:
    """The text of each end note of the Mine Ban Treaty page, by number."""
    notes = select(models.Citation.number, models.Citation.text)
    return dict(session.execute(notes.where(models.Citation.source == MBT)).all())


def test_a_load_keeps_the_text_the_page_gave(session: Session) -> None:
    import_pages(session, [read_page(page_path("ottawa"))])
    version = dataversion.current(session)
    report = load(session, DATA_DIR)
    assert not report.changed
    assert dataversion.current(session) == version
    assert note_texts(session)[4] == LTU_NOTE
    assert None not in note_texts(session).values()


def test_a_load_of_another_copy_of_the_page_forgets_the_text(session: Session) -> None:
    """The stored page is not the record's (same date, another checksum): its texts may not
    be the record's notes, so the load leaves the notes without text until an import."""
    other = edited("ottawa", ("Monsterrat", "Montserrat"))
    import_pages(session, [parse_page(other, "ottawa-corrected.html")])
    assert "Montserrat" in str(note_texts(session)[12])
    report = load(session, DATA_DIR)
    assert report.changed
    assert note_texts(session) == dict.fromkeys(range(1, 13))
    note = session.get_one(models.Citation, f"{MBT}:4")
    assert (note.reference, note.date) == ("End note 4", "2025-06-27")
    [again] = import_pages(session, [read_page(page_path("ottawa"))])
    assert again.end_notes.updated == 12
    assert note_texts(session)[4] == LTU_NOTE


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "LTU,y,withdrawal_notified,2025-06-27,4",
            "LTU,y,withdrawal_notified,2025-06-27,40",
            "end note 40 of XXVI-5 is not in untc_end_notes.csv",
        ),
        (
            "POL,,withdrawal_notified,2025-08-20,8",
            "POL,,withdrawal_notified,2025-08-20,8;9",
            "'8;9' is not numbers separated by single spaces",
        ),
    ],
)
def test_the_record_refuses_a_bad_end_note_cell(
    session: Session, tmp_path: Path, old: str, new: str, problem: str
) -> None:
    data = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    actions = data / "public" / "untc_actions.csv"
    lines = actions.read_text(encoding="utf-8").splitlines(keepends=True)
    [line] = [i for i, row in enumerate(lines, start=1) if old in row]
    lines[line - 1] = lines[line - 1].replace(old, new)
    actions.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataFileError) as exc:
        load(session, data)
    assert [str(p) for p in exc.value.problems] == [
        f"{actions}:{line}:8: field 'end_notes': {problem}"
    ]


def test_the_migration_keeps_every_footnote_link(scratch_url: str) -> None:
    """SQLite rebuilds the citations table (with foreign keys on, as the app runs it): the
    links that point at it stay; going back drops the footnotes without text, with their
    links."""
    engine = make_engine(Settings(database_url=scratch_url))
    rows = [
        ("s:1", "A letter, 3 May 2020."),
        ("s:2", None),
    ]
    try:
        with engine.begin() as conn:
            migrate(conn, "0009")
            conn.execute(
                text(
                    "INSERT INTO sources (id, title, publisher, kind, origin, version) "
                    "VALUES ('s', 'A source', 'A publisher', 'reference', 'curated', 1)"
                )
            )
            add = "INSERT INTO citations (id, source, number, text, version) VALUES "
            conn.execute(text(add + "('s:1', 's', 1, :t, 1)"), {"t": rows[0][1]})
            link = "INSERT INTO citation_links VALUES (:c, 'position', 'p')"
            conn.execute(text(link), {"c": "s:1"})
            migrate(conn)
            conn.execute(text(add + "('s:2', 's', 2, NULL, 1)"))
            conn.execute(text(link), {"c": "s:2"})
            assert conn.execute(text("SELECT id, text FROM citations ORDER BY id")).all() == rows
            kept = conn.execute(text("SELECT citation_id FROM citation_links ORDER BY 1")).all()
            assert kept == [("s:1",), ("s:2",)]
            migrate(conn, "0009", down=True)
            assert conn.execute(text("SELECT id, text FROM citations")).all() == rows[:1]
            kept = conn.execute(text("SELECT citation_id FROM citation_links")).all()
            assert kept == [("s:1",)]
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "href='#8' class='noteIndex'>8</A>",
            "href='#8' class='noteIndex'>80</A>",
            "end note '80' is not on the page",
        ),
        ("<a name='8'>8</a>", "<a name='eight'>8</a>", "end note '8' is not on the page"),
        ("The withdrawal will take effect for Poland on 20 February 2026", "The withdrawal "
         "will take effect for Poland on 30 February 2026", "end note 8: cannot read the "
         "withdrawal dates"),
    ],
)  # fmt: skip
def test_a_row_pointing_at_a_note_it_cannot_use_is_refused(
    old: str, new: str, problem: str
) -> None:
    with pytest.raises(UntcPageError) as exc:
        parse_page(edited("ottawa", (old, new)), "bad.html")
    assert str(exc.value) == f"bad.html: row 118 (Poland), {problem}"


def test_a_newer_page_drops_a_note_no_row_refers_to_any_more(
    client: TestClient, session: Session
) -> None:
    import_pages(session, [read_page(page_path("ottawa"))])
    newer = edited(
        "ottawa",
        ("STATUS AS AT : 03-02-2026", "STATUS AS AT : 24-02-2026"),
        (", <A onclick='ShowNoteAll()' href='#11' class='noteIndex'>11</A>", ""),
    )
    [report] = import_pages(session, [parse_page(newer, "ottawa-newer.html")])
    assert (report.end_notes.deleted, report.links.deleted, report.end_notes.unchanged) == (
        1,
        1,
        11,
    )
    assert client.get(f"/v1/citations/{MBT}:11").status_code == 404
    ukr = cited(client, "UKR", "2026-02-24")["untc-mbt-ukr-ratification"]
    assert [(c["id"], c["date"]) for c in ukr[2]] == [(f"{MBT}:10", "2016-03-30")]
    assert ukr[2][0]["text"].startswith("On 30 March 2016, the Government of Ukraine made a ")
