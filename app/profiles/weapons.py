"""Extractors for stockpiles, costs and use / production / transfer findings."""

from __future__ import annotations

import re

from app.profiles.context import Ctx
from app.profiles.lexicon import AP_MINES, CLUSTER, weapon_of
from app.profiles.result import CostItem, PracticeItem, StockpileItem
from app.profiles.text import dates
from app.vocab import Finding, PracticeKind, QuantityKind, Reporter

_VERB = r"(?:used|produced|manufactured|exported|imported|transferred|stockpiled|possessed)"
_VERBS = rf"{_VERB}(?:(?:,|,? and|,? or|,? nor) (?:ever )?{_VERB}){{0,6}}"
_NEVER = re.compile(
    rf"\b(?:never (?:ever )?|(?:is|are) not known to have (?:ever )?|(?:has|have) not (?:ever )?)"
    rf"(?P<verbs>{_VERBS})"
)
_KIND = {
    "used": "use",
    "produced": "production",
    "manufactured": "production",
    "exported": "export",
    "imported": "transfer",
    "transferred": "transfer",
    "stockpiled": "stockpiling",
    "possessed": "stockpiling",
}
_POSITIVE = re.compile(
    r"(?<!never )(?<!not )(?<!to have )(?<!were )(?<!was )\b(?P<verb>used|produced"
    r"|manufactured|exported|transferred)\b(?P<obj>[^.;]{0,40})"
)
_CLEARED = re.compile(
    r"\b(?:mines|minefields) (?:were|had been) (?:removed|cleared)|"
    r"\b(?:removed|cleared) (?:the|all) (?:mines|minefields)"
)
_NO_AREAS = re.compile(
    r"\b(?:do|does|did) not have any (?:minefields|mined areas)|"
    r"\bno (?:known )?(?:minefields|mined areas)\b|\bis mine-free\b"
)


def practices(ctx: Ctx) -> list[PracticeItem]:
    """Findings of use, production, transfer, stockpiling and mined areas."""
    text = ctx.text
    weapon = weapon_of(text, ctx.weapon)
    items: list[PracticeItem] = []
    base = ctx.base()
    years = [int(d.value) for d in dates(text) if len(d.value) == 4]
    period = (min(years), max(years)) if years else (None, None)
    taken: list[tuple[int, int]] = []
    for m in _NEVER.finditer(text):
        taken.append((m.start(), m.end()))
        for verb in re.findall(_VERB, m.group("verbs")):
            items.append(
                PracticeItem(
                    **base,
                    weapon=weapon,
                    kind=PracticeKind(_KIND[verb]),
                    finding=Finding.no,
                    as_of=ctx.when,
                    details=f"has never {verb} {_noun(weapon)}",
                )
            )
    for m in _POSITIVE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if not (
            AP_MINES.search(m.group("obj"))
            or CLUSTER.search(m.group("obj"))
            or re.search(r"\b(?:a certain amount|mines)\b", m.group("obj"))
        ):
            continue
        items.append(
            PracticeItem(
                **base,
                weapon=weapon,
                kind=PracticeKind(_KIND[m.group("verb")]),
                finding=Finding.yes,
                period_start=period[0],
                period_end=period[1],
                as_of=ctx.when,
                details=text[:300],
            )
        )
    if _CLEARED.search(text):
        items.append(
            PracticeItem(
                **base,
                weapon=weapon,
                kind=PracticeKind.clearance,
                finding=Finding.yes,
                period_start=period[0],
                period_end=period[1],
                as_of=ctx.when,
                details=text[:300],
            )
        )
    if _NO_AREAS.search(text):
        items.append(
            PracticeItem(
                **base,
                weapon=weapon,
                kind=PracticeKind.mined_areas,
                finding=Finding.no,
                as_of=ctx.when,
                details=text[:300],
            )
        )
    return items


def _noun(weapon: str) -> str:
    return "cluster munitions" if weapon == "cluster_munition" else "antipersonnel mines"


_HOLDER = re.compile(
    r"\b(?:the )?(?P<holder>Ministry of (?:Defen[cs]e|Interior|Internal Affairs|Emergency "
    r"Situations)|State Border Guard Service|Border Guards?(?: Service)?|[Aa]rmed [Ff]orces|"
    r"[Aa]rmy|[Nn]avy|[Aa]ir [Ff]orce|National Guard|[Pp]olice)\s"
    r"(?:possesses|possessed|possess|has|had|"
    r"have|holds|held|hold|stores|stored|store|keeps|kept|keep|retains|retained|retain|maintains)\b"
)
_OWNED = re.compile(
    r"\b(?:possesses|possessed|holds|held|retains|retained|has|had|declared|"
    r"reported) (?:a stockpile of |a stock of |stocks of )?"
)
_NUM = (
    r"(?<![\w-])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?: (?:million|thousand))?|"
    r"one (?:million|thousand))(?![\w-])"
)
_RANGE = re.compile(rf"\bbetween (?P<a>{_NUM}) and (?P<b>{_NUM})|(?P<c>{_NUM}) to (?P<d>{_NUM})")
_QUAL = re.compile(
    r"[“\"]?(?P<q>(?:tens|hundreds) of thousands|(?:several |many )?(?:thousands|"
    r"hundreds)(?= of)|a (?:small|large|limited|significant|unknown|few) (?:amount|"
    r"number|quantity|stock)|a few\b)[”\"]?"
)
_EXACT = re.compile(
    rf"(?P<n>{_NUM}) (?:[\w-]{{1,20}} ){{0,5}}?(?:mines|landmines|munitions|"
    r"submunitions|bombs|rockets|shells)\b"
)
_TYPE = re.compile(
    r"\b(?:PMN|POMZ|MON|OZM|PFM|PMD|PROM|MRUD|VS|TS|BLU|CBU|RBK|KMG|PTAB|AO|ZAB|"
    r"M\d{1,3}|Mk|MK|DPICM|BL|M-\d)[\w-]{0,8}"
)
_CONDITION = re.compile(
    r"(?P<q>most if not all|all|most|some|many) of (?:these|the|its|them|those)"
    r" ?(?:mines|munitions|stocks?)? (?:had |have |has |were |are )?expired"
)
_PURPOSE = re.compile(r"[“\"]?(?P<p>(?:kept|retained|held) for [^”\".;]{3,200})")
_UNOFFICIAL = re.compile(
    r"\b(?:[Aa]n?|[Oo]ne) (?P<who>(?:military|government|army|unofficial|"
    r"confidential|anonymous|media)[^,.;]{0,60}?(?:source|official)s?[^,.;]{0,40}?)"
    r" (?:told|informed|said|reported|stated)"
)
_OFFICIAL = re.compile(
    r"\b(?:the )?(?P<who>Ministry of [A-Z][\w ]{2,40}?|[Gg]overnment|Permanent "
    r"Mission[\w ]{0,60}?) (?:officially )?(?:confirmed|reported|said|stated|"
    r"informed|declared)"
)


def _int(text: str) -> int | None:
    words = {"one million": 1_000_000, "one thousand": 1000}
    if text in words:
        return words[text]
    m = re.fullmatch(r"([\d,.]+)(?: (million|thousand))?", text)
    if not m:
        return None
    try:
        value = float(m.group(1).replace(",", ""))
    except ValueError:
        return None
    return int(value * {"million": 1_000_000, "thousand": 1000}.get(m.group(2) or "", 1))


def stockpiles(ctx: Ctx) -> list[StockpileItem]:
    """Stockpiles: one per holder named with a possession verb (or one for the country)."""
    text = ctx.text
    if not (AP_MINES.search(text) or CLUSTER.search(text) or re.search(r"\bmines\b", text)):
        return []
    starts = [(m.start(), m.group("holder")) for m in _HOLDER.finditer(text)]
    if not starts:
        owned = _OWNED.search(text)
        if owned is None or re.search(r"\bnever\b|\bnot\b", text[: owned.start()][-20:]):
            return []
        starts = [(owned.start(), None)]
    condition = _CONDITION.search(text)
    unofficial = _UNOFFICIAL.search(text)
    official = _OFFICIAL.search(text)
    items: list[StockpileItem] = []
    for i, (start, holder) in enumerate(starts):
        seg = text[start : starts[i + 1][0] if i + 1 < len(starts) else len(text)]
        item = StockpileItem(
            **ctx.base(),
            weapon=weapon_of(seg, ctx.weapon),
            holder=holder,
            as_of=ctx.when,
        )
        item.types = list(dict.fromkeys(_TYPE.findall(seg)))
        _quantity(item, seg)
        if holder is None and item.quantity_kind is QuantityKind.unknown and not item.types:
            continue
        if condition:
            item.condition = f"{condition.group('q')} expired"
        elif re.search(r"\bexpired\b", seg):
            item.condition = "expired"
        purpose = _PURPOSE.search(seg)
        item.purpose = purpose.group("p").strip() if purpose else None
        if unofficial:
            item.reporter, item.reported_by = Reporter.unofficial, unofficial.group("who")
        elif official:
            item.reported_by = official.group("who")
        items.append(item)
    return items


def _quantity(item: StockpileItem, seg: str) -> None:
    found = [(m.start(), "range", m) for m in _RANGE.finditer(seg)]
    found += [(m.start(), "qual", m) for m in _QUAL.finditer(seg)]
    found += [(m.start(), "exact", m) for m in _EXACT.finditer(seg)]
    for _, kind, m in sorted(found, key=lambda f: f[0]):
        if kind == "range":
            a, b = _int(m.group("a") or m.group("c")), _int(m.group("b") or m.group("d"))
            if a is None or b is None or (1900 <= a <= 2100 and "," not in m.group(0)):
                continue
            item.quantity_kind, item.quantity_min, item.quantity_max = QuantityKind.range, a, b
            item.quantity_text = m.group(0)
        elif kind == "qual":
            item.quantity_kind, item.quantity_text = QuantityKind.qualitative, m.group("q")
        else:
            n = _int(m.group("n"))
            if n is None or (1900 <= n <= 2100 and "," not in m.group("n")):
                continue
            item.quantity_kind, item.quantity, item.quantity_text = (
                QuantityKind.exact,
                n,
                m.group("n"),
            )
        return


_COST = re.compile(
    r"(?P<approx>(?:approximately|about|around|some|an estimated|roughly) )?"
    r"(?P<cur>US\$|\$|€|EUR ?|USD ?)(?P<num>\d[\d,]*(?:\.\d+)?)(?: (?P<mult>million|"
    r"billion|thousand))?"
)
_PURPOSES = [
    ("destruction", r"destr"),
    ("replacement", r"acqui|purchas|replac|new types|alternativ"),
    ("clearance", r"clear"),
]


def costs(text: str) -> list[CostItem]:
    """Cost figures: amount, currency, what for (the nearest keyword before the amount)."""
    items = []
    for m in _COST.finditer(text):
        amount = float(m.group("num").replace(",", "")) * {
            "million": 1e6,
            "billion": 1e9,
            "thousand": 1e3,
        }.get(m.group("mult") or "", 1)
        before = text[: m.start()]
        best, purpose = -1, "other"
        for name, pattern in _PURPOSES:
            for hit in re.finditer(pattern, before):
                if hit.start() > best:
                    best, purpose = hit.start(), name
        currency = "EUR" if m.group("cur").strip() in ("€", "EUR") else "USD"
        items.append(
            CostItem(
                purpose=purpose,
                amount=amount,
                currency=currency,
                approximate=bool(m.group("approx")),
                text=m.group(0).strip(),
            )
        )
    return items
