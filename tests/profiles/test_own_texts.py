"""Messy profiles written for the tests: expected facts, precision, recall; junk never crashes."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from app.profiles.parser import parse
from tests.profiles.facts import facts, score

TEXTS = Path(__file__).parent / "texts"


def _stock(**kw: Any) -> tuple[Any, ...]:
    base: dict[str, Any] = {
        "weapon": "antipersonnel_mine",
        "holder": None,
        "types": [],
        "quantity_kind": "unknown",
        "quantity": None,
        "quantity_min": None,
        "quantity_max": None,
        "quantity_text": None,
        "condition": None,
        "purpose": None,
        "as_of": None,
        "reporter": "official",
        "reported_by": None,
        "costs": [],
        "citations": [],
    }
    from tests.profiles.facts import keys

    return ("stockpiles", keys("stockpiles", {**base, **kw}))


EXPECTED: dict[str, set[tuple[Any, ...]]] = {
    "alb_crlf.txt": {
        ("statuses", ("mbt", "state_party", "2000-02-29", (1,))),
        ("statuses", ("ccw", "state_party", "2020-11-03", ())),
        ("statuses", ("ccw-p2a", "state_party", "2020-11-03", ())),
        ("votes", ("A/RES/74/61", "yes", (2,))),
        ("participations", ("mbt", "fourth review conference", 2019, "participant", "2019-11", ())),
    },
    "fin_combined_update.txt": {
        ("statuses", ("ccm", "state_party", "2024-03-06", ())),
        ("statuses", ("ccm", "not_party", None, (1,))),
        ("statuses", ("mbt", "state_party", None, (1,))),
        ("votes", ("A/RES/71/45", "abstain", (2,))),
        ("votes", ("A/RES/72/54", "abstain", (2,))),
        (
            "participations",
            ("ccm", "second review conference", 2020, "participant", "2020-11-25", (1,)),
        ),
        ("practices", ("cluster_munition", "use", "no", None, None, None, ())),
        ("practices", ("cluster_munition", "production", "no", None, None, None, ())),
        _stock(
            quantity_kind="range",
            quantity_min=800000,
            quantity_max=1000000,
            quantity_text="between 800,000 and one million",
            as_of="2011-06",
            citations=[1],
        ),
    },
    "kaz_cutoff.txt": {
        ("statuses", ("mbt", "not_party", "2010-12", (1,))),
        # "the UNGA resolution in 2012": the public record's one mine-ban resolution of 2012
        # (what the made-up text says of it is its own: the UN record has Kazakhstan's yes)
        ("votes", ("A/RES/67/32", "abstain", ())),
        (
            "participations",
            ("mbt", "tenth meeting of states parties", 2010, "observer", "2010-12", ()),
        ),
        ("practices", ("antipersonnel_mine", "use", "no", None, None, None, (2,))),
        ("practices", ("antipersonnel_mine", "export", "no", None, None, None, (2,))),
        ("positions", ("mbt", "voting_pattern", "2010-12", ())),
        _stock(
            holder="armed forces",
            quantity_kind="qualitative",
            quantity_text="a small amount",
            purpose="kept for training",
            citations=[3],
        ),
    },
}


def _all_facts(name: str) -> set[tuple[Any, ...]]:
    result = parse((TEXTS / name).read_text(encoding="utf-8"))
    found = set()
    for r in [result, *result.sections]:
        found |= {f for f in facts(r) if f[0] != "citations"}
    return found


def test_own_texts_precision_and_recall() -> None:
    got_all: set[Any] = set()
    expected_all: set[Any] = set()
    for name, expected in EXPECTED.items():
        got = {(name, f) for f in _all_facts(name)}
        score(name, got, {(name, f) for f in expected})
        got_all |= got
        expected_all |= {(name, f) for f in expected}
    precision, recall = score("own texts", got_all, expected_all)
    assert recall == 1.0
    assert precision == 1.0


def test_messy_text_layout() -> None:
    fin = parse((TEXTS / "fin_combined_update.txt").read_text(encoding="utf-8"))
    assert (fin.country, fin.kind, [s.kind for s in fin.sections]) == (
        "FIN",
        "cluster_munition_ban_policy",
        ["mine_ban_policy"],
    )
    assert [s.superseded for s in fin.statuses] == [False, True]
    kaz = parse((TEXTS / "kaz_cutoff.txt").read_text(encoding="utf-8"))
    assert kaz.country == "KAZ"
    assert kaz.warnings[:2] == [
        "no footnote list: the text may be cut off; footnote markers 1, 2, 3 have no footnote",
        "the text ends mid-sentence: it may be cut off",
    ]
    raw = (TEXTS / "alb_crlf.txt").read_text(encoding="utf-8")
    alb = parse(raw)
    start, end = alb.votes[0].span
    assert (
        raw[start:end] == "On 12 December 2019, Albania voted in favor of UNGA Resolution 74/61.[2]"
    )


def test_junk_and_truncations_never_crash() -> None:
    rng = random.Random(5)
    seed = (TEXTS / "fin_combined_update.txt").read_text(encoding="utf-8")
    alphabet = "ab [1]]().,;:\n\r\u00a0–—“”'\"0123456789ZАеPMN-72 of in since Treaty"
    for _ in range(60):
        junk = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        parse(junk)
        parse(seed[: rng.randint(0, len(seed))])
    parse("(" * 5000 + "voted in favor of resolution " * 200)
    parse("[1]" * 3000)
