"""Mirror: pull cursors, knowledge vectors, ticket conflicts (see docs/mirror.md).

Revision ID: 0002_mirror
Revises: 0001
Create Date: 2026-11-21 08:04:51.657164
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The ORM classes of these tables live in desktop.store.schema_mirror; importing it here
# registers them on the store's metadata wherever the migrations are loaded (the schema
# comparison of the migration tests sees them even where desktop.store.schema is imported alone).
import desktop.store.schema_mirror  # noqa: F401

revision = "0002_mirror"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mirror_cursors",
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("pulled_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("origin", name=op.f("pk_mirror_cursors")),
    )
    op.create_table(
        "mirror_knowledge",
        sa.Column("knower", sa.String(length=64), nullable=False),
        sa.Column("knower_seq", sa.Integer(), nullable=False),
        sa.Column("peer", sa.String(length=64), nullable=False),
        sa.Column("peer_seq", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("knower", "knower_seq", "peer", name=op.f("pk_mirror_knowledge")),
    )
    with op.batch_alter_table("mirror_knowledge", schema=None) as batch_op:
        batch_op.create_index("ix_mirror_knowledge_lookup", ["knower", "peer", "knower_seq"], unique=False)
    op.create_table(
        "ticket_conflicts",
        sa.Column("conflict_id", sa.String(length=36), nullable=False),
        sa.Column("ticket_id", sa.String(length=40), nullable=False),
        sa.Column("topic", sa.String(length=24), nullable=False),
        sa.Column("options_json", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("conflict_id", name=op.f("pk_ticket_conflicts")),
    )
    with op.batch_alter_table("ticket_conflicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_conflicts_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_conflicts_ticket_id"))
    op.drop_table("ticket_conflicts")
    with op.batch_alter_table("mirror_knowledge", schema=None) as batch_op:
        batch_op.drop_index("ix_mirror_knowledge_lookup")
    op.drop_table("mirror_knowledge")
    op.drop_table("mirror_cursors")
