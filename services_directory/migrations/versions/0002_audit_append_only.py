"""audit trail is append-only: the database refuses UPDATE and DELETE on metadata

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER metadata_no_{action.lower()} BEFORE {action} ON metadata "
                "BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION metadata_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit trail cannot be changed'; END $$"
        )
        op.execute(
            "CREATE TRIGGER metadata_append_only BEFORE UPDATE OR DELETE ON metadata "
            "FOR EACH ROW EXECUTE FUNCTION metadata_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS metadata_no_update")
        op.execute("DROP TRIGGER IF EXISTS metadata_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS metadata_append_only ON metadata")
        op.execute("DROP FUNCTION IF EXISTS metadata_append_only()")
