"""User accounts and roles (the table; the policy lives in :mod:`desktop.auth`)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Boolean, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.base import Base


class UserRole(StrEnum):
    """Roles of the console; what each may do is decided in :mod:`desktop.auth.roles`."""

    WATCH_OFFICER = "watch_officer"  # 監控關員
    SECTION_CHIEF = "section_chief"  # 股長
    DIVISION_CHIEF = "division_chief"  # 課長
    HEAD_OF_UNIT = "head_of_unit"  # 一級單位主管
    GATE_OFFICER = "gate_officer"  # 門哨關員 (kiosk)
    ADMIN = "admin"  # 系統管理員


class UserAccount(Base):
    """A local account. ``password_hash`` is an argon2id PHC string, never a password."""

    __tablename__ = "user_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    role: Mapped[str] = mapped_column(String(32))  # a UserRole value
    password_hash: Mapped[str] = mapped_column(String(256))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[float | None] = mapped_column(Float, nullable=True)  # epoch seconds
    locked_until: Mapped[float | None] = mapped_column(Float, nullable=True)  # epoch seconds
    created_at: Mapped[float] = mapped_column(Float)  # epoch seconds
    password_changed_at: Mapped[float] = mapped_column(Float)  # epoch seconds
