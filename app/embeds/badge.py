"""Status badges: a shields-style SVG and the shields.io endpoint JSON."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.embeds import svg
from app.vocab import StatusKind

LABEL_BACKGROUND = "#555555"


class ShieldsEndpoint(BaseModel):
    """A badge in the shields.io endpoint schema (https://shields.io/badges/endpoint-badge)."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "schemaVersion": 1,
                    "label": "Mine Ban Treaty",
                    "message": "state party",
                    "color": "0072B2",
                }
            ]
        },
    )

    schema_version: int = Field(1, alias="schemaVersion")
    label: str
    message: str = Field(description="The status on `as_of`, in words.")
    color: str = Field(description="Background of the message: hex without `#`.")


def endpoint(label: str, status: StatusKind) -> ShieldsEndpoint:
    """The endpoint JSON of a status."""
    return ShieldsEndpoint(
        label=label, message=svg.label(status), color=svg.COLOURS[status].lstrip("#")
    )


def render(label: str, status: StatusKind) -> str:
    """A flat badge: the label on grey, the status on its colour."""
    message = svg.label(status)
    pad = 6
    left = round(svg.text_width(label) + 2 * pad)
    right = round(svg.text_width(message) + 2 * pad)
    width = left + right
    title = f"{label}: {message}"
    return (
        f'<svg xmlns="{svg.SVG_NS}" width="{width}" height="20" viewBox="0 0 {width} 20" '
        f'role="img" aria-label={svg.attr(title)}><title>{svg.text(title)}</title>'
        f'<rect width="{left}" height="20" fill="{LABEL_BACKGROUND}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{svg.COLOURS[status]}"/>'
        f'<g font-family="{svg.FONT}" font-size="11" text-anchor="middle">'
        f'<text x="{left / 2:.1f}" y="14" fill="#FFFFFF">{svg.text(label)}</text>'
        f'<text x="{left + right / 2:.1f}" y="14" fill="{svg.INK[status]}">'
        f"{svg.text(message)}</text></g></svg>"
    )
