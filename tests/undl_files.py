"""Small UN Digital Library vote files for the importer tests, in both layouts."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Connection, delete, select

from app import models
from app.importers.undl_write import SOURCE_ID

HEADER_2026 = (
    "undl_id,ms_code,ms_name,ms_vote,date,session,resolution,draft,committee_report,meeting,"
    "title,agenda_title,subjects,vote_note,total_yes,total_no,total_abstentions,"
    "total_non_voting,total_ms,undl_link"
)
HEADER_2024 = (
    "undl_id,ms_codes,ms_names,ms_votes,resolutions,title,modality,draft,committee_report,"
    "meeting,agenda_titles,subjects,date,yes,no,abstentions,non-voting,total-voting,undl_link"
)

MBT = (
    "Implementation of the Convention on the Prohibition of the Use, Stockpiling, Production "
    "and Transfer of Anti-Personnel Mines and on Their Destruction"
)
CCM = "Implementation of the Convention on Cluster Munitions"
OTHER = "Assistance in mine action"

#: (symbol, date, title, totals yes/no/abstain/non-voting/members, [(code, name, vote)])
Resolution = tuple[str, str, str, tuple[str, ...], list[tuple[str, str, str]]]

BASE: list[Resolution] = [
    (
        "A/RES/77/63",
        "2022-12-07",
        MBT,
        ("2.0", "0.0", "1.0", "1.0", "4.0"),
        [
            ("AFG", "AFGHANISTAN", "Y"),
            ("KGZ", "KYRGYZSTAN", "Y"),
            ("RUS", "RUSSIAN FEDERATION", "A"),
            ("VEN", "VENEZUELA (BOLIVARIAN REPUBLIC OF)", "X"),
        ],
    ),
    (
        "A/RES/77/79",
        "2022-12-07",
        CCM,
        ("1.0", "1.0", "0.0", "", ""),
        [("KGZ", "KYRGYZSTAN", "Y"), ("RUS", "RUSSIAN FEDERATION", "N")],
    ),
    (
        "A/RES/77/80",
        "2022-12-07",
        OTHER,
        ("2.0", "0.0", "0.0", "", ""),
        [("KGZ", "KYRGYZSTAN", "Y"), ("RUS", "RUSSIAN FEDERATION", "Y")],
    ),
]


def csv_2026(resolutions: Sequence[Resolution] = BASE) -> str:
    """A 2026-layout file (LF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER_2026.split(","))
    for symbol, date, title, totals, votes in resolutions:
        session = symbol.split("/")[2]
        for code, name, vote in votes:
            meeting = f"A/{session}/PV.44"
            writer.writerow(
                ["", code, name, vote, date, session, symbol, f"A/{session}/L.9", "",
                 meeting, title, "", "", "", *totals, ""]
            )  # fmt: skip
    return out.getvalue()


def csv_2024(resolutions: Sequence[Resolution] = BASE) -> str:
    """The same votes in the 2024 layout (NV for not voting, whole numbers)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER_2024.split(","))
    for symbol, date, title, totals, votes in resolutions:
        session = symbol.split("/")[2]
        whole = [t.removesuffix(".0") for t in totals]
        for code, name, vote in votes:
            writer.writerow(
                ["", code, name, "NV" if vote == "X" else vote, symbol, title, "Recorded Vote",
                 f"A/{session}/L.9", "", f"A/{session}/PV.44", "", "", date, *whole, ""]
            )  # fmt: skip
    return out.getvalue()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write a file byte for byte (no newline translation)."""
    path.write_bytes(text.encode(encoding))
    return path


def before_any_vote_import(conn: Connection) -> None:
    """Delete what the public record loaded under `undl-ga-voting`: its votes, and its
    resolutions no other vote uses (the eight the curated Kyrgyzstan votes name stay).

    The loaded database then holds no A/RES/77/63, 77/79, 77/80 or 78/45: a vote file
    importing them is a first import of the dataset.
    """
    conn.execute(delete(models.Vote).where(models.Vote.source == SOURCE_ID))
    used = select(models.Vote.resolution)
    resolutions = models.Resolution
    conn.execute(
        delete(resolutions).where(resolutions.source == SOURCE_ID, resolutions.symbol.not_in(used))
    )
