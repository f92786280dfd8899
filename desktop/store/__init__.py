"""Durable local store (SQLite by default), upstream mirror and audit chain."""
