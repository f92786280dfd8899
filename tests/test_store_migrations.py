"""Every Alembic revision of the store upgrades and downgrades on a fresh SQLite file and on a
fresh PostgreSQL database, and the head schema is exactly the ORM's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from desktop.store import migrate
from desktop.store.engine import make_engine
from desktop.store.schema import Base
from tests.pgdb import temp_database

REVISIONS = migrate.revisions()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
        yield engine
        engine.dispose()
        return
    with temp_database("jmc_store_migr") as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_revisions_form_one_line() -> None:
    assert REVISIONS and REVISIONS[-1] == migrate.head()


@pytest.mark.parametrize("revision", REVISIONS)
def test_each_revision_upgrades_and_downgrades(fresh_engine: Engine, revision: str) -> None:
    index = REVISIONS.index(revision)
    before = REVISIONS[index - 1] if index else "base"
    if before != "base":
        migrate.upgrade(fresh_engine, before)
    tables_before = _tables(fresh_engine)
    migrate.upgrade(fresh_engine, revision)
    assert migrate.current(fresh_engine) == revision
    assert _tables(fresh_engine) > tables_before or index > 0
    migrate.downgrade(fresh_engine, before)
    assert migrate.current(fresh_engine) == (None if before == "base" else before)
    assert _tables(fresh_engine) == tables_before
    migrate.upgrade(fresh_engine, revision)  # and again, after the round trip
    assert migrate.current(fresh_engine) == revision


def test_head_schema_is_the_orm_schema(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []
    assert _tables(fresh_engine) == set(Base.metadata.tables)
