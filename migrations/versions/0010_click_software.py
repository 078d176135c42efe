"""a click keeps the browser and OS families of its User-Agent (for the link statistics)

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: clicks recorded before this revision have no known browser or OS ("unknown" in the statistics).
    op.add_column("clicks", sa.Column("browser", sa.String(64), nullable=True))
    op.add_column("clicks", sa.Column("os", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clicks") as batch:
        batch.drop_column("os")
        batch.drop_column("browser")
