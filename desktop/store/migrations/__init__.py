"""Alembic migration scripts of the local store (run by :mod:`desktop.store.migrate`)."""
