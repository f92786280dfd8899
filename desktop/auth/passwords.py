"""Password hashing (argon2id) and the password policy.

Hashes are argon2id PHC strings (``$argon2id$v=19$m=65536,t=3,p=1$salt$hash``), so every
hash carries the parameters it was made with; :meth:`PasswordHasher.check_needs_rehash` then
tells when a login should re-hash with raised parameters. Passwords are NFC-normalised
before hashing, so the same characters typed through different input methods (composed or
decomposed) are the same password.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher, Type

#: OWASP Password Storage Cheat Sheet floor for argon2id (m=19 MiB, t=2, p=1)
OWASP_MIN_MEMORY_KIB = 19456
OWASP_MIN_TIME_COST = 2

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024


class WeakParametersError(ValueError):
    """Argon2 parameters below the OWASP floor."""


@dataclass(frozen=True, slots=True)
class Argon2Params:
    """argon2id cost parameters. The default (64 MiB, 3 passes, 1 lane: ~150 ms on one core of
    the development machine) is RFC 9106's second recommendation with a single lane, well above
    the OWASP floor; parameters below that floor are refused."""

    memory_kib: int = 65536
    time_cost: int = 3
    parallelism: int = 1
    hash_len: int = 32
    salt_len: int = 16

    def __post_init__(self) -> None:
        if self.memory_kib < OWASP_MIN_MEMORY_KIB or self.time_cost < OWASP_MIN_TIME_COST:
            raise WeakParametersError(
                f"argon2id m={self.memory_kib} KiB, t={self.time_cost} is below the OWASP floor "
                f"(m>={OWASP_MIN_MEMORY_KIB} KiB, t>={OWASP_MIN_TIME_COST})"
            )
        if self.parallelism < 1 or self.hash_len < 16 or self.salt_len < 16:
            raise WeakParametersError("argon2id needs parallelism >= 1, hash and salt of >= 16 bytes")

    def hasher(self) -> PasswordHasher:
        """A hasher making argon2id hashes with these parameters."""
        return PasswordHasher(
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            hash_len=self.hash_len,
            salt_len=self.salt_len,
            type=Type.ID,
        )


#: what new hashes use; raising it makes every account re-hash at its next login
DEFAULT_PARAMS = Argon2Params()
#: the OWASP floor itself (tests use it to stay quick; never lower)
OWASP_MINIMUM = Argon2Params(memory_kib=OWASP_MIN_MEMORY_KIB, time_cost=OWASP_MIN_TIME_COST)


class PasswordPolicyError(ValueError):
    """A new password the policy refuses; the message (zh-TW, then English) says why."""


def normalize(password: str) -> str:
    """The form of ``password`` that is hashed and checked (Unicode NFC)."""
    return unicodedata.normalize("NFC", password)


def check_policy(password: str, username: str = "") -> str:
    """Return the normalised password, or raise :class:`PasswordPolicyError`.

    Policy: at least 12 characters (code points after NFC), at most 1024, not the username,
    no control characters (a pasted newline or tab is almost always a mistake), not one
    character repeated.
    """
    pw = normalize(password)
    if len(pw) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(
            f"密碼至少需 {MIN_PASSWORD_LENGTH} 個字元。"
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters (it has {len(pw)})."
        )
    if len(pw) > MAX_PASSWORD_LENGTH:
        raise PasswordPolicyError(
            f"密碼過長（上限 {MAX_PASSWORD_LENGTH} 個字元）。"
            f"The password is too long (at most {MAX_PASSWORD_LENGTH} characters)."
        )
    if any(unicodedata.category(ch) == "Cc" for ch in pw):
        raise PasswordPolicyError(
            "密碼不可含控制字元（如換行、Tab）。The password must not contain control characters "
            "(newline, tab...)."
        )
    if username and pw.casefold() == username.casefold():
        raise PasswordPolicyError("密碼不可與帳號相同。The password must not be the username.")
    if len(set(pw)) == 1:
        raise PasswordPolicyError("密碼不可為單一字元重複。The password must not be one character repeated.")
    return pw
