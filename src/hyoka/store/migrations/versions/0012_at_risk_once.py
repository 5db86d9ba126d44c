"""目標未達のおそれ has one definition: the stored flag of every sheet is computed anew.

Revision ID: 0012_at_risk_once
Revises: 0011_correction_drafts
Create Date: 2026-12-03

``sheet_summaries.at_risk`` was set when a sheet was saved, by a definition that also
counted 未達成; the list and the at-risk dashboard now share one
(``hyoka.rules.facts.behind_pace`` through ``hyoka.rules.summaries.summarize``). Stores
made before keep their old flags until each sheet is saved again, so this data migration
recomputes the flag of every current revision, in batches. No schema change; the
downgrade leaves the flags as they are (the old definition is gone).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_at_risk_once"
down_revision: str | None = "0011_correction_drafts"
branch_labels: str | None = None
depends_on: str | None = None

BATCH = 500


def upgrade() -> None:
    # The rules as they are now: this migration states today's definition once.
    from hyoka.model import Sheet
    from hyoka.rules.summaries import summarize

    bind = op.get_bind()
    current = sa.text(
        "SELECT s.id, r.document FROM sheets s JOIN sheet_revisions r "
        "ON r.sheet_id = s.id AND r.revision = s.revision WHERE s.id > :after "
        "ORDER BY s.id LIMIT :batch"
    )
    update = sa.text("UPDATE sheet_summaries SET at_risk = :at_risk WHERE sheet_id = :id")
    after = 0
    while True:
        rows = bind.execute(current, {"after": after, "batch": BATCH}).all()
        if not rows:
            return
        changes = []
        for sheet_id, document in rows:
            parsed = document if isinstance(document, dict) else _json(document)
            changes.append(
                {"id": sheet_id, "at_risk": summarize(Sheet.model_validate(parsed)).at_risk}
            )
        bind.execute(update, changes)
        after = rows[-1][0]


def _json(document: object) -> object:
    import orjson

    return orjson.loads(document)  # type: ignore[arg-type]


def downgrade() -> None:
    pass
