"""Examples shown in the OpenAPI document, taken from the curated Kyrgyzstan records.

Each is checked against its schema by the tests, so they cannot drift from the field lists.
"""

from __future__ import annotations

from typing import Any

MINE = "monitor-kgz-mine-ban-policy-2019"

CITATION: dict[str, Any] = {
    "id": f"{MINE}:8",
    "source": MINE,
    "number": 8,
    "text": "Letter 011-14/809 from the Ministry of Foreign Affairs, 30 April 2010.",
    "issuer": "Ministry of Foreign Affairs",
    "reference": "Letter 011-14/809",
    "date": "2010-04-30",
    "place": None,
}
SOURCE: dict[str, Any] = {
    "id": MINE,
    "title": "Kyrgyzstan: Mine Ban Policy",
    "publisher": "Landmine and Cluster Munition Monitor",
    "kind": "monitor_profile",
    "url": "http://www.the-monitor.org/en-gb/reports/2019/kyrgyzstan/mine-ban-policy.aspx",
    "country": "KGZ",
    "published_on": None,
    "last_updated": "2019-12-18",
    "retrieved_on": None,
    "licence": None,
    "status_as_at": None,
    "checksum": None,
    "row_count": None,
    "imported_at": None,
    "citation_count": 11,
}
MINE_COVERAGE: dict[str, Any] = {
    "id": MINE,
    "title": "Kyrgyzstan: Mine Ban Policy",
    "publisher": "Landmine and Cluster Munition Monitor",
    "kind": "monitor_profile",
    "published_on": None,
    "last_updated": "2019-12-18",
    "retrieved_on": None,
}
CLUSTER_COVERAGE: dict[str, Any] = {
    **MINE_COVERAGE,
    "id": "monitor-kgz-cluster-munition-ban-policy",
    "title": "Kyrgyzstan: Cluster Munition Ban Policy",
    "last_updated": None,
}
KGZ_COVERAGE = [CLUSTER_COVERAGE, MINE_COVERAGE]
STATUS: dict[str, Any] = {
    "status": "pending_entry_into_force",
    "as_of": "2000-07-31",
    "signed_on": "1998-09-08",
    "joined_on": "2000-02-29",
    "join_method": "ratification",
    "entry_into_force_on": "2000-08-01",
    "withdrawal_notified_on": None,
    "withdrawal_effective_on": None,
    "record_as_at": "2026-02-03",
    "as_known_on": None,
    "beyond_record": False,
}
NOT_PARTY: dict[str, Any] = {
    **STATUS,
    "status": "not_party",
    "as_of": "2026-02-03",
    "signed_on": None,
    "joined_on": None,
    "join_method": None,
    "entry_into_force_on": None,
}
COUNTRY: dict[str, Any] = {
    "iso3": "KGZ",
    "iso2": "KG",
    "numeric": "417",
    "name": "Kyrgyzstan",
    "official_name": "Kyrgyz Republic",
    "un_member": True,
    "un_observer": False,
    "state": True,
    "administered_by": None,
    "historical": False,
    "region": "Asia",
    "region_code": "142",
    "subregion": "Central Asia",
    "subregion_code": "143",
    "intermediate_region": None,
    "intermediate_region_code": None,
}
COUNTRY_LIST_ITEM: dict[str, Any] = {**COUNTRY, "status": NOT_PARTY}
COUNTRY_DETAIL: dict[str, Any] = {
    **COUNTRY,
    "names": ["Kyrgyz Republic", "Kyrgyzstan"],
    "sources": [],
}
MEMBER: dict[str, Any] = {
    "country": "ALB",
    "name": "Albania",
    "iso2": "AL",
    "numeric": "008",
    "un_member": True,
    "state": True,
    "administered_by": None,
    "region": "Europe",
    "region_code": "150",
    "subregion": "Southern Europe",
    "subregion_code": "039",
    "intermediate_region": None,
    "intermediate_region_code": None,
    **STATUS,
}
TREATY: dict[str, Any] = {
    "slug": "mbt",
    "short_name": "Mine Ban Treaty",
    "full_title": "Convention on the Prohibition of the Use, Stockpiling, Production and Transfer "
    "of Anti-Personnel Mines and on their Destruction",
    "aliases": ["APMBC", "Ottawa", "Ottawa Convention"],
    "untc_number": "XXVI-5",
    "adopted_place": "Oslo",
    "adopted_on": "1997-09-18",
    "opened_for_signature_on": "1997-12-03",
    "entry_into_force_on": "1999-03-01",
    "parent": None,
    "eif_rule": "first_day_sixth_month",
    "source": "untc-status-xxvi-5",
}
TREATY_DETAIL: dict[str, Any] = {**TREATY, "sources": []}
STATEMENT: dict[str, Any] = {
    "id": "kgz-mbt-status-2019",
    "country": "KGZ",
    "treaty": "mbt",
    "status": "not_party",
    "as_of": "2019-12-18",
    "text": "The Kyrgyz Republic has not acceded to the Mine Ban Treaty.",
    "source": MINE,
    "citations": [],
}
TREATY_STATUS: dict[str, Any] = {
    "treaty": {"slug": "mbt", "short_name": "Mine Ban Treaty"},
    "status": NOT_PARTY,
    "actions": [],
    "later_actions": [],
    "statements": [STATEMENT],
    "participations": [],
    "positions": [],
    "coverage": {
        "statements": KGZ_COVERAGE,
        "participations": KGZ_COVERAGE,
        "positions": KGZ_COVERAGE,
    },
}
TREATY_STATUS_DETAIL: dict[str, Any] = {**TREATY_STATUS, "country": "KGZ", "sources": [SOURCE]}
RESOLUTION: dict[str, Any] = {
    "symbol": "A/RES/73/61",
    "session": 73,
    "date": "2018-12-05",
    "title": "Implementation of the Convention on the Prohibition of the Use, Stockpiling, "
    "Production and Transfer of Anti-Personnel Mines and on Their Destruction",
    "treaty": "mbt",
    "meeting": None,
    "draft": None,
    "total_yes": 169,
    "total_no": 0,
    "total_abstain": 16,
    "total_non_voting": 8,
    "total_members": 193,
    "counted_yes": 169,
    "counted_no": 0,
    "counted_abstain": 16,
    "counted_non_voting": 8,
    "source": "undl-ga-voting",
    "citations": [],
}
#: The Monitor's footnote that records Kyrgyzstan's vote on it.
VOTE_FOOTNOTE: dict[str, Any] = {
    **CITATION,
    "id": f"{MINE}:3",
    "number": 3,
    "text": "“Implementation of the Convention …,” UNGA Resolution 73/61, 5 December 2018.",
}
RESOLUTION_DETAIL: dict[str, Any] = {
    **RESOLUTION,
    "tally": {"yes": 169, "no": 0, "abstain": 16, "non_voting": 8, "members": 193},
    "tally_matches": True,
    "tally_by_status": [
        {
            "status": "state_party",
            "yes": 153,
            "no": 0,
            "abstain": 1,
            "non_voting": 6,
            "members": 160,
        },
        {"status": "signatory", "yes": 1, "no": 0, "abstain": 0, "non_voting": 0, "members": 1},
        {"status": "not_party", "yes": 15, "no": 0, "abstain": 15, "non_voting": 2, "members": 32},
    ],
    "tally_by_region": [
        {
            "region": "Europe",
            "region_code": "150",
            "yes": 42,
            "no": 0,
            "abstain": 1,
            "non_voting": 0,
            "members": 43,
        },
    ],
    "votes": [
        {
            "country": "KGZ",
            "name": "Kyrgyzstan",
            "vote": "yes",
            "source_code": "Y",
            "source": "undl-ga-voting",
            "status": "not_party",
            "also_recorded": [{"source": MINE, "vote": "yes", "citations": [VOTE_FOOTNOTE]}],
            "conflicts": [],
        }
    ],
    "sources": [SOURCE],
}
VOTE: dict[str, Any] = {
    "country": {"iso3": "KGZ", "name": "Kyrgyzstan", "region": "Asia"},
    "resolution": {
        "symbol": "A/RES/73/61",
        "date": "2018-12-05",
        "title": RESOLUTION["title"],
        "treaty": "mbt",
        "source": "undl-ga-voting",
    },
    "vote": "yes",
    "source_code": "Y",
    "note": None,
    "source": "undl-ga-voting",
    "status": "not_party",
    "citations": [],
    "also_recorded": [{"source": MINE, "vote": "yes", "citations": [VOTE_FOOTNOTE]}],
    "conflicts": [],
}
STOCKPILE: dict[str, Any] = {
    "id": "kgz-stockpile-mod-2010",
    "country": "KGZ",
    "weapon": "antipersonnel_mine",
    "holder": "Ministry of Defense",
    "types": ["PMN", "OZM-72"],
    "quantity_kind": "unknown",
    "quantity": None,
    "quantity_min": None,
    "quantity_max": None,
    "quantity_text": None,
    "condition": "expired",
    "purpose": None,
    "as_of": "2010-04",
    "reporter": "official",
    "reported_by": "Ministry of Foreign Affairs",
    "costs": [
        {
            "purpose": "destruction",
            "amount": 600000.0,
            "currency": "USD",
            "approximate": True,
            "text": "approximately US$600,000",
        }
    ],
    "source": MINE,
    "citations": [CITATION],
}
PRACTICE: dict[str, Any] = {
    "id": "kgz-apm-use-1999-2000",
    "country": "KGZ",
    "weapon": "antipersonnel_mine",
    "kind": "use",
    "finding": "yes",
    "period_start": 1999,
    "period_end": 2000,
    "as_of": "2010-05",
    "details": "used antipersonnel mines in 1999 and 2000 to prevent infiltration across its "
    "borders",
    "source": MINE,
    "citations": [],
}
TIMELINE_POINT: dict[str, Any] = {
    "year": 2025,
    "as_of": "2025-12-31",
    "states_parties": 163,
    "pending_entry_into_force": 0,
    "signatories": 0,
    "withdrawn": 3,
}
TREATY_EVENT: dict[str, Any] = {
    "date": "2026-03-01",
    "country": "VUT",
    "name": "Vanuatu",
    "kind": "entry_into_force",
    "status_before": "pending_entry_into_force",
    "status_after": "state_party",
    "action": "accession",
    "action_id": "untc-ccm-vut-accession",
    "action_on": "2025-09-05",
    "source": "untc-status-xxvi-6",
}
SOURCE_DETAIL: dict[str, Any] = {**SOURCE, "citations": [CITATION]}
CITATION_DETAIL: dict[str, Any] = {
    **CITATION,
    "records": [{"record_type": "stockpile", "record_id": "kgz-stockpile-mod-2010"}],
    "source_detail": SOURCE,
}
SEARCH_HIT: dict[str, Any] = {
    "kind": "citation",
    "id": f"{MINE}:6",
    "title": "Kyrgyzstan: Mine Ban Policy, footnote 6",
    "snippet": "…Mine Ban Treaty First Review Conference, [Nairobi], 3 December 2004.",
    "rank": 4.28,
}
PROFILE: dict[str, Any] = {
    "country": {**COUNTRY, "names": ["Kyrgyz Republic", "Kyrgyzstan"]},
    "as_of": "2026-02-03",
    "treaties": [TREATY_STATUS],
    "positions": [],
    "votes": [VOTE],
    "votes_url": "/v1/countries/KGZ/votes",
    "stockpiles": [STOCKPILE],
    "practices": [PRACTICE],
    "sources": [SOURCE],
    "coverage": {
        **TREATY_STATUS["coverage"],
        "stockpiles": KGZ_COVERAGE,
        "practices": KGZ_COVERAGE,
    },
}
TREATY_COUNTS: dict[str, Any] = {
    "treaty": "mbt",
    "as_of": "2026-02-03",
    "record_as_at": "2026-02-03",
    "as_known_on": None,
    "beyond_record": False,
    "counts": {
        "state_party": 161,
        "pending_entry_into_force": 0,
        "signatory": 0,
        "not_party": 31,
        "withdrawal_pending": 1,
        "withdrawn": 4,
    },
    "groups": [
        {
            "region": "Europe",
            "region_code": "150",
            "counts": {
                "state_party": 38,
                "pending_entry_into_force": 0,
                "signatory": 0,
                "not_party": 8,
                "withdrawal_pending": 1,
                "withdrawn": 4,
            },
        }
    ],
    "sources": [],
}
