"""Local accounts: create, authenticate, change passwords, disable, unlock, list.

The service works on the ``user_accounts`` table through SQLAlchemy sessions; the clock and
the sleep are injected so tests run the lockout policy without waiting::

    accounts = AccountService(engine)
    user = accounts.authenticate("chen.wl", password)   # AuthenticatedUser, or LoginError
    if can(user.role, Permission.SIGN_OFF_SECTION): ...

Each state change runs in one transaction holding the account's row (``SELECT ... FOR
UPDATE`` on PostgreSQL), so two consoles cannot both spend the same failed attempt.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from desktop.auth import lockout
from desktop.auth.lockout import LockoutPolicy, LoginError
from desktop.auth.passwords import DEFAULT_PARAMS, Argon2Params, check_policy, normalize
from desktop.auth.roles import UnknownRoleError, parse_role
from desktop.store.users_schema import UserAccount, UserRole

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MAX_DISPLAY_NAME = 128


class AccountError(ValueError):
    """An account operation that cannot be done; the message (zh-TW, then English) says why."""


@dataclass(frozen=True, slots=True)
class AuthenticatedUser:
    """Who signed in. Hold on to it for the session; it carries no secret."""

    id: int
    username: str
    display_name: str
    role: UserRole


@dataclass(frozen=True, slots=True)
class UserInfo:
    """An account as admins see it (no hash)."""

    id: int
    username: str
    display_name: str
    role: str  # a UserRole value, as stored
    disabled: bool
    failed_attempts: int
    locked_until: float | None
    created_at: float
    password_changed_at: float

    def locked_at(self, now: float) -> bool:
        """Whether the account is locked at time ``now`` (epoch seconds)."""
        return self.locked_until is not None and now < self.locked_until


def _info(acc: UserAccount) -> UserInfo:
    return UserInfo(
        id=acc.id,
        username=acc.username,
        display_name=acc.display_name,
        role=acc.role,
        disabled=acc.disabled,
        failed_attempts=acc.failed_attempts,
        locked_until=acc.locked_until,
        created_at=acc.created_at,
        password_changed_at=acc.password_changed_at,
    )


def canonical_username(username: str) -> str:
    """Usernames are case-insensitive and stored lower-case."""
    return username.strip().lower()


class AccountService:
    """Account policy over the ``user_accounts`` table.

    Args:
        sessions: a ``sessionmaker`` or an ``Engine`` of the store.
        now: the wall clock, epoch seconds (lock times are stored as such).
        sleep: how ``authenticate(..., wait=True)`` waits out a delay.
        params: argon2id parameters of new hashes; older hashes are re-hashed at login.
        policy: the failed-login delay and lock.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session] | Engine,
        *,
        now: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        params: Argon2Params = DEFAULT_PARAMS,
        policy: LockoutPolicy | None = None,
    ) -> None:
        self._sessions = (
            sessionmaker(sessions, expire_on_commit=False) if isinstance(sessions, Engine) else sessions
        )
        self._now = now
        self._sleep = sleep
        self._params = params
        self._hasher = params.hasher()
        self._policy = policy or LockoutPolicy()
        self._dummy_hash: str | None = None

    @property
    def params(self) -> Argon2Params:
        return self._params

    @property
    def policy(self) -> LockoutPolicy:
        return self._policy

    # -- sessions -----------------------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    @staticmethod
    def _row(session: Session, username: str, *, lock: bool = True) -> UserAccount | None:
        stmt = select(UserAccount).where(UserAccount.username == canonical_username(username))
        if lock:
            stmt = stmt.with_for_update()
        return session.scalars(stmt).one_or_none()

    def _require(self, session: Session, username: str) -> UserAccount:
        acc = self._row(session, username)
        if acc is None:
            raise AccountError(f"帳號 {username!r} 不存在。No account named {username!r}.")
        return acc

    # -- admin operations ---------------------------------------------------------------------

    def create(self, username: str, display_name: str, role: UserRole | str, password: str) -> UserInfo:
        """Create an enabled account; :class:`AccountError` or ``PasswordPolicyError`` when refused."""
        name = canonical_username(username)
        if not USERNAME_RE.fullmatch(name):
            raise AccountError(
                f"帳號 {username!r} 格式不符：1–64 個小寫英數字或 . _ -，以英數字開頭。"
                f"Username {username!r} must be 1-64 of a-z 0-9 . _ - starting with a letter or digit."
            )
        display = display_name.strip()
        if len(display) > MAX_DISPLAY_NAME:
            raise AccountError(
                f"顯示名稱過長（上限 {MAX_DISPLAY_NAME} 字）。"
                f"Display name too long (at most {MAX_DISPLAY_NAME} characters)."
            )
        try:
            user_role = parse_role(role)
        except UnknownRoleError as exc:
            raise AccountError(str(exc)) from None
        pw_hash = self._hasher.hash(check_policy(password, name))
        now = self._now()
        acc = UserAccount(
            username=name,
            display_name=display,
            role=user_role.value,
            password_hash=pw_hash,
            disabled=False,
            failed_attempts=0,
            last_failed_at=None,
            locked_until=None,
            created_at=now,
            password_changed_at=now,
        )
        exists = AccountError(f"帳號 {name!r} 已存在。An account named {name!r} already exists.")
        try:
            with self._tx() as session:
                if self._row(session, name, lock=False) is not None:
                    raise exists
                session.add(acc)
                session.flush()
                return _info(acc)
        except IntegrityError:  # created meanwhile by someone else
            raise exists from None

    def set_password(self, username: str, new: str) -> None:
        """Admin reset: set a new password without the old one; also clears a lock."""
        with self._tx() as session:
            acc = self._require(session, username)
            acc.password_hash = self._hasher.hash(check_policy(new, acc.username))
            acc.password_changed_at = self._now()
            self._clear_failures(acc)

    def disable(self, username: str) -> None:
        """Disable an account (it keeps its history). The last enabled admin cannot be disabled."""
        with self._tx() as session:
            acc = self._require(session, username)
            if acc.role == UserRole.ADMIN and not acc.disabled:
                admins = session.scalar(
                    select(func.count())
                    .select_from(UserAccount)
                    .where(UserAccount.role == UserRole.ADMIN.value, UserAccount.disabled.is_(False))
                )
                if admins == 1:
                    raise AccountError(
                        "不可停用最後一個啟用中的系統管理員帳號。The last enabled admin cannot be disabled."
                    )
            acc.disabled = True

    def enable(self, username: str) -> None:
        """Enable a disabled account again."""
        with self._tx() as session:
            self._require(session, username).disabled = False

    def unlock(self, username: str) -> None:
        """Clear the failed-login count and any lock."""
        with self._tx() as session:
            self._clear_failures(self._require(session, username))

    def list_users(self) -> list[UserInfo]:
        """Every account, by username."""
        with self._tx() as session:
            rows = session.scalars(select(UserAccount).order_by(UserAccount.username)).all()
            return [_info(acc) for acc in rows]

    def get(self, username: str) -> UserInfo | None:
        """One account, or ``None``."""
        with self._tx() as session:
            acc = self._row(session, username, lock=False)
            return None if acc is None else _info(acc)

    # -- sign-in ------------------------------------------------------------------------------

    def authenticate(self, username: str, password: str, *, wait: bool = False) -> AuthenticatedUser:
        """Check a password; the signed-in user, or :class:`LoginError`.

        With ``wait=False`` (for the GUI, which shows a countdown) an attempt during the delay
        after a failure is refused at once with ``retry_after_s``; with ``wait=True`` (a
        blocking caller) the service sleeps the delay out and then checks. A lock is never
        waited out. Use the same call to re-authenticate a signer before ``Ticket.sign_off``.
        """
        while True:
            try:
                return self._attempt(username, password)
            except LoginError as err:
                if not (wait and err.reason is lockout.LoginFailure.THROTTLED):
                    raise
                self._sleep(err.retry_after_s)

    def change_password(self, username: str, old: str, new: str) -> None:
        """The user changes their own password; a wrong ``old`` counts as a failed login."""
        check_policy(new, canonical_username(username))  # refuse before spending an attempt
        user = self._attempt(username, old)
        with self._tx() as session:
            acc = self._require(session, user.username)
            acc.password_hash = self._hasher.hash(check_policy(new, acc.username))
            acc.password_changed_at = self._now()

    def _attempt(self, username: str, password: str) -> AuthenticatedUser:
        pw = normalize(password)
        with self._tx() as session:
            # errors are returned, not raised, inside the transaction so that the failure
            # count it records is committed rather than rolled back
            outcome = self._check(session, username, pw)
        if isinstance(outcome, LoginError):
            raise outcome
        return outcome

    def _check(self, session: Session, username: str, pw: str) -> AuthenticatedUser | LoginError:
        acc = self._row(session, username)
        if acc is None:
            self._burn_time(pw)  # and answer like a first failure of a real account
            return lockout.bad_credentials(self._policy.first_delay_s, self._policy.max_failures - 1)
        now = self._now()
        waiting = self._wait_error(acc, now)
        if waiting is not None:
            return waiting
        ok = False
        try:
            ok = self._hasher.verify(acc.password_hash, pw)
        except VerifyMismatchError:
            pass
        except (InvalidHashError, VerificationError) as exc:
            return lockout.invalid_account(f"password hash: {type(exc).__name__}")
        if not ok:
            return self._record_failure(acc, now)
        # the right password from here on
        self._clear_failures(acc)
        if acc.disabled:
            return lockout.disabled()
        try:
            role = parse_role(acc.role)
        except UnknownRoleError:
            return lockout.invalid_account(f"unknown role {acc.role!r}")
        if self._hasher.check_needs_rehash(acc.password_hash):
            acc.password_hash = self._hasher.hash(pw)
        return AuthenticatedUser(acc.id, acc.username, acc.display_name, role)

    def _wait_error(self, acc: UserAccount, now: float) -> LoginError | None:
        """The refusal when the account is locked or inside its post-failure delay; a clock
        set back never makes the wait longer than the policy's."""
        pol = self._policy
        if acc.locked_until is not None:
            if now < acc.locked_until:
                return lockout.locked(min(acc.locked_until - now, pol.lock_s))
            self._clear_failures(acc)  # the lock ran out: a fresh count
        if acc.failed_attempts > 0 and acc.last_failed_at is not None:
            delay = pol.delay_after(acc.failed_attempts)
            ready = acc.last_failed_at + delay
            if now < ready:
                return lockout.throttled(min(ready - now, delay))
        return None

    def _record_failure(self, acc: UserAccount, now: float) -> LoginError:
        acc.failed_attempts += 1
        acc.last_failed_at = now
        pol = self._policy
        if acc.failed_attempts >= pol.max_failures:
            acc.locked_until = now + pol.lock_s
            return lockout.locked(pol.lock_s)
        left = pol.max_failures - acc.failed_attempts
        return lockout.bad_credentials(pol.delay_after(acc.failed_attempts), left)

    @staticmethod
    def _clear_failures(acc: UserAccount) -> None:
        acc.failed_attempts = 0
        acc.last_failed_at = None
        acc.locked_until = None

    def _burn_time(self, pw: str) -> None:
        """Spend one verification on an unknown username so timing does not tell it apart."""
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash("unknown-user placeholder")
        with suppress(VerificationError):
            self._hasher.verify(self._dummy_hash, pw)
