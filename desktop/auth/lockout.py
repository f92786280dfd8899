"""Throttling of failed logins and the error a refused login raises.

After the n-th consecutive failure (n < 5) the account accepts its next attempt only
``2**(n-1)`` seconds later (1, 2, 4, 8 s); the 5th failure locks it for 15 minutes. A
success, an admin ``unlock`` or the end of the lock clears the count. Attempts made during
the delay or the lock are refused without checking the password and are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """How failed logins slow down and then lock an account."""

    first_delay_s: float = 1.0
    max_failures: int = 5
    lock_s: float = 15 * 60.0

    def __post_init__(self) -> None:
        if self.first_delay_s < 0 or self.max_failures < 1 or self.lock_s < 0:
            raise ValueError("lockout policy: delays must be >= 0 and max_failures >= 1")

    def delay_after(self, failures: int) -> float:
        """Seconds to wait before the next attempt after ``failures`` consecutive failures."""
        if failures <= 0:
            return 0.0
        return float(self.first_delay_s * 2 ** min(failures - 1, 30))


class LoginFailure(StrEnum):
    """Why a login was refused."""

    BAD_CREDENTIALS = "bad_credentials"  # unknown username or wrong password (not told apart)
    THROTTLED = "throttled"  # too soon after a failure
    LOCKED = "locked"  # too many failures
    DISABLED = "disabled"  # right password, account disabled by an admin
    INVALID_ACCOUNT = "invalid_account"  # the stored account is unusable (unknown role, bad hash)


class LoginError(Exception):
    """A refused login. ``str(err)`` is the bilingual message (zh-TW, then English);
    ``retry_after_s`` is how long until another attempt can be made (0 when no wait applies,
    e.g. for a disabled account that only an admin can enable)."""

    def __init__(self, reason: LoginFailure, zh: str, en: str, retry_after_s: float = 0.0) -> None:
        self.reason = reason
        self.zh = zh
        self.en = en
        self.retry_after_s = max(0.0, retry_after_s)
        super().__init__(f"{zh} {en}")


def _seconds(s: float) -> str:
    return f"{max(1, round(s))}"


def bad_credentials(retry_after_s: float, attempts_left: int) -> LoginError:
    zh = "帳號或密碼錯誤。"
    en = "Wrong username or password."
    if attempts_left > 0:
        zh += f"請於 {_seconds(retry_after_s)} 秒後再試（再錯 {attempts_left} 次將鎖定帳號）。"
        en += f" Try again in {_seconds(retry_after_s)} s ({attempts_left} more failures lock the account)."
    return LoginError(LoginFailure.BAD_CREDENTIALS, zh, en, retry_after_s)


def throttled(retry_after_s: float) -> LoginError:
    s = _seconds(retry_after_s)
    return LoginError(
        LoginFailure.THROTTLED,
        f"登入嘗試過於頻繁，請於 {s} 秒後再試。",
        f"Too many attempts: try again in {s} s.",
        retry_after_s,
    )


def locked(retry_after_s: float) -> LoginError:
    minutes = max(1, -(-round(retry_after_s) // 60))
    return LoginError(
        LoginFailure.LOCKED,
        f"登入失敗次數過多，帳號已鎖定，請於 {minutes} 分鐘後再試或洽系統管理員解鎖。",
        f"Too many failed logins: the account is locked for {minutes} min, or until an admin unlocks it.",
        retry_after_s,
    )


def disabled() -> LoginError:
    return LoginError(
        LoginFailure.DISABLED,
        "此帳號已停用，請洽系統管理員。",
        "This account is disabled; ask an administrator.",
    )


def invalid_account(detail: str) -> LoginError:
    return LoginError(
        LoginFailure.INVALID_ACCOUNT,
        "此帳號資料無效，請洽系統管理員。",
        f"This account's record is unusable ({detail}); ask an administrator.",
    )
