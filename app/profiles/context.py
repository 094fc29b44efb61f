"""What every extractor knows about the sentence it reads and the profile around it."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.profiles.lexicon import Mention, treaty_mentions


@dataclass
class Ctx:
    """One sentence in its profile."""

    text: str
    span: tuple[int, int]
    citations: list[int]
    when: str | None  # the date the sentence speaks for
    treaty: str  # the profile's own treaty
    weapon: str  # the profile's own weapon
    as_of: str | None  # the profile's date
    ref_year: int | None  # the latest year the profile speaks for
    resolutions: dict[tuple[str, int], str]
    footnotes: dict[int, tuple[str, str | None]]  # number → (text, date)
    update: bool = False
    footnote: int | None = None
    warnings: list[str] = field(default_factory=list)
    _mentions: list[Mention] | None = None

    @property
    def mentions(self) -> list[Mention]:
        """Treaties named in the sentence."""
        if self._mentions is None:
            self._mentions = treaty_mentions(self.text)
        return self._mentions

    def treaty_near(self, start: int = 0, end: int | None = None) -> str:
        """The treaty named in text[start:end], else the first named, else the profile's."""
        stop = len(self.text) if end is None else end
        inside = [m.slug for m in self.mentions if start <= m.start < stop]
        if inside:
            return inside[0]
        return self.mentions[0].slug if self.mentions else self.treaty

    def base(self) -> dict[str, object]:
        """The fields every item carries."""
        return {"citations": list(self.citations), "span": self.span, "text": self.text}
