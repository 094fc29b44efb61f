"""Trusted hosts: a request whose Host header names no served host is a 400 problem."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.limits import send_problem


def host_of(header: str) -> str:
    """The host name of a Host header, without port ("[::1]:8000" gives "::1")."""
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class TrustedHostMiddleware:
    """Answer 400 unless Host is one of `hosts`: exact names, `*.example.org` for subdomains,
    or `*` for any."""

    def __init__(self, app: ASGIApp, hosts: list[str]) -> None:
        self.app = app
        self.any = "*" in hosts
        self.exact = {h.lower() for h in hosts if not h.startswith("*")}
        self.suffixes = tuple(h[1:].lower() for h in hosts if h.startswith("*."))

    def allowed(self, host: str) -> bool:
        """Whether requests for `host` are served."""
        host = host.lower()
        return (
            self.any or host in self.exact or bool(self.suffixes and host.endswith(self.suffixes))
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = host_of(Headers(scope=scope).get("host", ""))
        if self.allowed(host):
            await self.app(scope, receive, send)
            return
        await send_problem(
            send, scope, 400, "Invalid host", f"host {host!r} is not served here",
            "invalid-host", parameter="Host",
        )  # fmt: skip
