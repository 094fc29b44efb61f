"""A database the API reads: its engine, sessions and data-version reader."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import dataversion
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.readmodel.pgreads import AsyncReads, AsyncVersionReader

VersionReader = dataversion.VersionReader | AsyncVersionReader


@dataclass
class Source:
    """One database and how requests reach it (the attributes a request's reads look up)."""

    name: str
    engine: Engine
    sessionmaker: sessionmaker[Session]
    version_reader: VersionReader

    def close(self) -> None:
        """Close the held connections and the pool (at shutdown)."""
        self.version_reader.close()
        self.engine.dispose()


def reader_for(engine: Engine, url: str, settings: Settings) -> VersionReader:
    """The data-version reader of a database: awaited on the event loop on PostgreSQL
    (app/readmodel/pgreads), on a held connection on SQLite."""
    if engine.dialect.name == "postgresql":
        reads = AsyncReads(
            url, settings.db_pool_size, settings.db_connect_timeout, echo=settings.echo_sql
        )
        return AsyncVersionReader(reads, settings.data_version_ttl)
    return dataversion.VersionReader(engine, settings.data_version_ttl)


def open_source(name: str, url: str, settings: Settings) -> Source:
    """A source for the database at `url`, with the other settings as given."""
    engine = make_engine(settings.model_copy(update={"database_url": url}))
    return Source(name, engine, make_sessionmaker(engine), reader_for(engine, url, settings))
