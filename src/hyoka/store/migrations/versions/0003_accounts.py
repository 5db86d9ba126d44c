"""Staff accounts, their sessions and login attempts, and the audit log.

Revision ID: 0003_accounts
Revises: 0001
Create Date: 2024-12-02

Written out by hand to match ``hyoka/store/schema/accounts.py``; a test compares the
migrated schema with the tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_accounts"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=False)


def _instant(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _json(name: str) -> sa.Column[object]:
    kind = sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )
    return sa.Column(name, kind, nullable=True)


def upgrade() -> None:
    op.create_table(
        "users",
        _id(),
        _text("login"),
        _text("display_name"),
        _text("password_hash"),
        _text("role"),
        _text("department"),
        _text("section"),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        _instant("created_at"),
        _instant("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("login", name="uq_users_login"),
    )
    op.create_table(
        "user_sessions",
        _id(),
        _text("token_hash"),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _instant("created_at"),
        _instant("expires_at"),
        _instant("last_seen_at"),
        sa.PrimaryKeyConstraint("id", name="pk_user_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_user_sessions_token_hash"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_user_sessions_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_user_sessions_user_id", "user_sessions", ["user_id"])
    op.create_table(
        "login_attempts",
        _id(),
        _text("login"),
        _text("client_ip"),
        _instant("attempted_at"),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempts"),
    )
    op.create_index(
        "ix_login_attempts_login_attempted_at", "login_attempts", ["login", "attempted_at"]
    )
    op.create_index(
        "ix_login_attempts_client_ip_attempted_at", "login_attempts", ["client_ip", "attempted_at"]
    )
    op.create_table(
        "audit_log",
        _id(),
        _instant("at"),
        _text("actor"),
        _text("action"),
        sa.Column("target_sheet_id", sa.Integer(), nullable=True),
        _json("before"),
        _json("after"),
        _text("reason"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_target_sheet_id_at", "audit_log", ["target_sheet_id", "at"])
    op.create_index("ix_audit_log_actor_at", "audit_log", ["actor", "at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("login_attempts")
    op.drop_table("user_sessions")
    op.drop_table("users")
