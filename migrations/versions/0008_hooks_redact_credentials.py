"""remove this site's cookies and API tokens from webhook captures stored before they were redacted

Revision ID: 0008
Revises: 0007
"""

import json

import sqlalchemy as sa
from alembic import op
from quart import Quart
from quart_auth.extension import DEFAULTS

from core.credentials import redact_headers

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The app configures neither name, so the libraries' defaults are the names its cookies have.
COOKIE_NAMES = frozenset({DEFAULTS["QUART_AUTH_COOKIE_NAME"], Quart.default_config["SESSION_COOKIE_NAME"]})
BATCH = 500
hook_requests = sa.table("hook_requests", sa.column("id", sa.Integer), sa.column("headers", sa.Text))


def upgrade() -> None:
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(hook_requests.c.id, hook_requests.c.headers)
            .where(hook_requests.c.id > last)
            .order_by(hook_requests.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            headers = [tuple(pair) for pair in json.loads(row.headers)]
            redacted = redact_headers(headers, COOKIE_NAMES)
            if redacted != headers:
                connection.execute(
                    sa.update(hook_requests).where(hook_requests.c.id == row.id).values(headers=json.dumps(redacted))
                )
        last = rows[-1].id


def downgrade() -> None:
    pass  # what was removed is gone
