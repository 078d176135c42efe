"""webhook bins and captured requests

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hook_bins",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=False),
        sa.Column("response_content_type", sa.String(length=200), nullable=False),
        sa.Column("response_body", sa.Text(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_hook_bins_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hook_bins")),
    )
    with op.batch_alter_table("hook_bins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hook_bins_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_hook_bins_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "hook_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bin_id", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("body_size", sa.Integer(), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bin_id"], ["hook_bins.id"], name=op.f("fk_hook_requests_bin_id_hook_bins"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hook_requests")),
    )
    with op.batch_alter_table("hook_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hook_requests_bin_id"), ["bin_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hook_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hook_requests_bin_id"))

    op.drop_table("hook_requests")
    with op.batch_alter_table("hook_bins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hook_bins_owner_id"))
        batch_op.drop_index(batch_op.f("ix_hook_bins_expires_at"))

    op.drop_table("hook_bins")
