"""The licences of a resource: its sources' licence statements, as Data Package licences.

Sources state their licence in words (`licence` in data/sources.yaml and the importers). A
Data Package licence needs an id or a page: a statement naming a licence or terms this knows
gets that licence's id and page; any other points at the page of the source that states it.
The statement itself is the licence's title. A source without a statement adds no licence
(its `licence` stays absent in `sources`).
"""

from __future__ import annotations

from collections.abc import Iterable

from app.bulk.descriptor import Licence

#: Licences and terms a statement may name, by the phrase naming them: (Open Definition /
#: SPDX id, the page of the licence or terms).
NAMED: tuple[tuple[str, str | None, str | None], ...] = (
    ("CC BY-SA 4.0", "CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    ("Public domain", "other-pd", None),
    ("UN website terms of use", None, "https://www.un.org/en/about-us/terms-of-use"),
    ("United Nations terms of use", None, "https://www.un.org/en/about-us/terms-of-use"),
)

#: A source's licence statement and its URL.
Stated = tuple[str | None, str | None]


def named(statement: str, url: str | None) -> list[Licence]:
    """The licences a statement names; else, given one, the URL of the source stating it."""
    found = [
        Licence(name=name, path=path, title=statement)
        for phrase, name, path in NAMED
        if phrase.casefold() in statement.casefold()
    ]
    if not found and url:
        found.append(Licence(path=url, title=statement))
    return found


def licences(stated: Iterable[Stated]) -> list[Licence]:
    """The licences of these sources' statements, each once, in the order first stated."""
    return union(named(statement, url) for statement, url in stated if statement)


def union(each: Iterable[Iterable[Licence]]) -> list[Licence]:
    """Every licence of these lists, each once, in the order first listed."""
    found: dict[tuple[str | None, str | None, str], Licence] = {}
    for listed in each:
        for licence in listed:
            found.setdefault((licence.name, licence.path, licence.title), licence)
    return list(found.values())
