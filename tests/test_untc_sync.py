"""`sync untc`: the live pages, served here by httpx.MockTransport (no network in tests)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app import models
from app.config import Settings
from app.importers import untc_sync
from app.importers.fetch import SyncError, download
from app.importers.untc import PAGE_URL
from app.importers.untc_sync import sync
from tests.test_untc import before_any_page_import, page_html, table_counts

FILES = {
    "XXVI-5": "ottawa",
    "XXVI-6": "ccm",
    "XXVI-2": "ccw",
    "XXVI-2-a": "ccw_p4",
    "XXVI-2-b": "ccw_p2a",
    "XXVI-2-c": "ccw_art1",
    "XXVI-2-d": "ccw_p5",
}
Handler = Callable[[httpx.Request], httpx.Response]


def untc_site(request: httpx.Request) -> httpx.Response:
    """The UNTC "View Details" page for the requested mtdsg_no, as saved on 2026-02-03."""
    assert request.url.host == "treaties.un.org"
    assert request.url.params["src"] == "TREATY"
    name = FILES[request.url.params["mtdsg_no"]]
    return httpx.Response(200, content=page_html(name).encode("utf-8"))


def offline(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution", request=request)


class Sleeps(list[float]):
    """Records the backoff delays instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_sync_imports_the_seven_live_pages(session: Session) -> None:
    before_any_page_import(session.connection(), *FILES)
    sleeps = Sleeps()
    reports = sync(session, httpx.MockTransport(untc_site), sleep=sleeps)
    assert [(r.treaty, r.actions.inserted) for r in reports] == [
        ("ccm", 227),
        ("ccw", 178),
        ("ccw-art1", 90),
        ("ccw-p2a", 107),
        ("ccw-p4", 111),
        ("ccw-p5", 99),
        ("mbt", 309),
    ]
    assert sleeps == []
    source = session.get_one(models.Source, "untc-status-xxvi-2-a")
    assert source.url == (
        "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XXVI-2-a"
        "&chapter=26&clang=_en"
    )
    assert source.status_as_at == datetime(2026, 2, 3).date()
    assert source.retrieved_on == datetime.now(UTC).date()
    again = sync(session, httpx.MockTransport(untc_site), sleep=sleeps)
    assert [r.actions.unchanged for r in again] == [227, 178, 90, 107, 111, 99, 309]
    assert not any(r.changed for r in again)


def flaky(failures: list[Exception | int]) -> Handler:
    """Fails with each of `failures` in turn (an exception or a status code), then serves."""

    def handler(request: httpx.Request) -> httpx.Response:
        if failures:
            failure = failures.pop(0)
            if isinstance(failure, int):
                return httpx.Response(failure)
            raise failure
        return untc_site(request)

    return handler


URL = PAGE_URL.format(number="XXVI-6")


def test_download_retries_with_backoff() -> None:
    sleeps = Sleeps()
    handler = flaky([httpx.ConnectTimeout("timed out"), 503])
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        content = download(client, URL, retries=3, backoff=0.5, sleep=sleeps)
    assert content.startswith(page_html("ccm").encode()[:100])
    assert sleeps == [0.5, 1.0]


def test_download_gives_up_with_a_clear_error() -> None:
    sleeps = Sleeps()
    with (
        httpx.Client(transport=httpx.MockTransport(flaky([503, 503, 503]))) as client,
        pytest.raises(SyncError) as exc,
    ):
        download(client, URL, retries=3, backoff=2.0, sleep=sleeps)
    assert str(exc.value) == (
        f"cannot download {URL} after 3 attempt(s): HTTP 503 "
        "(offline, or treaties.un.org unreachable?)"
    )
    assert sleeps == [2.0, 4.0]
    with (
        httpx.Client(transport=httpx.MockTransport(flaky([404]))) as client,
        pytest.raises(SyncError) as missing,
    ):
        download(client, URL, sleep=sleeps)
    assert str(missing.value) == f"cannot download {URL}: HTTP 404"
    assert sleeps == [2.0, 4.0]


def test_a_page_that_is_not_a_status_page_writes_nothing(session: Session) -> None:
    before = table_counts(session)

    def maintenance(request: httpx.Request) -> httpx.Response:
        if request.url.params["mtdsg_no"] == "XXVI-5":
            return httpx.Response(200, text="<html><body>Site under maintenance</body></html>")
        return untc_site(request)

    with pytest.raises(Exception, match="no UNTC number"):
        sync(session, httpx.MockTransport(maintenance), sleep=Sleeps())
    assert table_counts(session) == before


def test_sync_offline_is_a_clear_error_and_writes_nothing(
    scratch_engine: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.importers.fetch.time.sleep", Sleeps())
    settings = Settings(database_url=scratch_engine.url.render_as_string(hide_password=False))
    with Session(scratch_engine) as session:
        before = table_counts(session)
    args = argparse.Namespace(retries=2, timeout=5.0)
    assert untc_sync.run(settings, args, httpx.MockTransport(offline)) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"sync failed, nothing was written: cannot download {URL} after 2 attempt(s): "
        "ConnectError: [Errno -3] Temporary failure in name resolution "
        "(offline, or treaties.un.org unreachable?)\n"
    )
    with Session(scratch_engine) as session:
        assert table_counts(session) == before
    assert untc_sync.run(settings, args, httpx.MockTransport(untc_site)) == 0
    out, err = capsys.readouterr()
    assert err == ""
    # the live pages are those the public record was written from: the same content
    # retrieved again writes only the end notes' text, which the record does not hold (not
    # the retrieval day)
    assert out.splitlines()[-2:] == [
        "mbt (XXVI-5) status as at 2026-02-03: 166 participants; actions 0 inserted, "
        "0 updated, 309 unchanged, 0 deleted; end notes 0 inserted, 12 updated, 0 unchanged, "
        "0 deleted; parties printed 162 parsed 162; signatories printed 132 parsed 132",
        "imported",
    ]
    with Session(scratch_engine) as session:
        actions, sources, version = before
        assert table_counts(session) == (actions, sources, version + 1)
        imported = session.execute(
            select(models.Source.id, models.Source.retrieved_on).where(
                models.Source.kind == "untc_status_page"
            )
        ).all()
        assert len(imported) == 7
        assert {retrieved for _, retrieved in imported} == {None}
    assert untc_sync.run(settings, args, httpx.MockTransport(untc_site)) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "already up to date"
