"""The profile reader stays linear on pathological input."""

from __future__ import annotations


def test_a_huge_word_is_cut_and_does_not_slow_the_reader() -> None:
    import time

    from app.profiles.parser import parse

    text = "Kyrgyzstan\nMine Ban Policy\n" + "a" * 200_000
    text += " The Kyrgyz Republic has not acceded to the Mine Ban Treaty."
    started = time.perf_counter()
    result = parse(text)
    assert time.perf_counter() - started < 5  # linear; was minutes before the cut
    assert result.warnings[-1] == "1 run(s) of over 500 characters without a space cut"
    assert [(s.treaty, s.status) for s in result.statuses] == [("mbt", "not_party")]
    start, end = result.statuses[0].span
    assert (start, end) == (len("Kyrgyzstan\nMine Ban Policy\n"), len(text))  # offsets kept
