"""Alembic environment: uses a connection handed over by the caller, else the settings' URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from app.config import Settings
from app.db import make_engine
from app.models import Base, include_name

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    """Run the migrations on one connection, batch mode for SQLite's ALTER limits."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if context.is_offline_mode():
    context.configure(url=Settings().database_url, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
elif connection is not None:
    run(connection)
else:
    engine = make_engine(Settings())
    with engine.connect() as conn:
        run(conn)
        conn.commit()
    engine.dispose()
