"""Message journal: accepted field messages, replayed at start to rebuild the trips.

Revision ID: 0003_message_journal
Revises: 0002_mirror
Create Date: 2026-11-24 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The ORM class lives in desktop.store.schema_journal; importing it registers the table on the
# store's metadata wherever the migrations are loaded (as 0002 does for the mirror's tables).
import desktop.store.schema_journal  # noqa: F401

revision = "0003_message_journal"
down_revision = "0002_mirror"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_journal",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("received_at", sa.Float(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("device", sa.String(length=160), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_journal")),
    )
    with op.batch_alter_table("message_journal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_journal_received_at"), ["received_at"], unique=False)
    op.create_table(
        "journal_marks",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_journal_marks")),
    )


def downgrade() -> None:
    op.drop_table("journal_marks")
    with op.batch_alter_table("message_journal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_journal_received_at"))
    op.drop_table("message_journal")
