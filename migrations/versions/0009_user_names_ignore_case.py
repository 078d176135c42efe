"""account names unique whatever the letter case ("bob" and "Bob" cannot both exist)

Revision ID: 0009
Revises: 0008
"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def case_duplicates(connection: sa.Connection) -> list[list[str]]:
    """Groups of account names that differ only in letter case (as the database's lower() sees them)."""
    groups = defaultdict(list)
    for folded, name in connection.execute(sa.text("SELECT lower(name), name FROM users ORDER BY name")):
        groups[folded].append(name)
    return [names for names in groups.values() if len(names) > 1]


def upgrade() -> None:
    duplicates = case_duplicates(op.get_bind())
    if duplicates:
        # Merging or renaming an account is the operator's call: its notes, links and tokens go with it.
        listed = "; ".join(" and ".join(repr(name) for name in names) for names in duplicates)
        raise RuntimeError(
            f"account names must be unique whatever the letter case, but these differ only in case: {listed}. "
            "Rename or delete all but one of each (e.g. UPDATE users SET name = 'bob-2' WHERE name = 'Bob'), "
            "then migrate again."
        )
    op.create_index("uq_users_lower_name", "users", [sa.text("lower(name)")], unique=True)


def downgrade() -> None:
    op.drop_index("uq_users_lower_name", table_name="users")
