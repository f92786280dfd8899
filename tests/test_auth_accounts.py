"""Accounts: argon2id hashes and parameters, lockout and delays, disable, passwords, concurrency.

The lockout tests run on a SQLite file and on a throw-away PostgreSQL database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import argon2
import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from desktop.auth.accounts import AccountError, AccountService, AuthenticatedUser
from desktop.auth.lockout import LoginError, LoginFailure
from desktop.auth.passwords import (
    DEFAULT_PARAMS,
    OWASP_MIN_MEMORY_KIB,
    OWASP_MIN_TIME_COST,
    OWASP_MINIMUM,
    Argon2Params,
    PasswordPolicyError,
    WeakParametersError,
)
from desktop.store.base import Base
from desktop.store.users_schema import UserAccount, UserRole
from tests.auth_support import Clock, accounts_engine, service, sqlite_url
from tests.pgdb import temp_database

PW = "correct horse battery"
WRONG = "wrong horse battery!"


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with temp_database("jmc_auth") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = sqlite_url(tmp_path) if request.param == "sqlite" else request.getfixturevalue("pg_url")
    with accounts_engine(url) as eng:
        yield eng
        Base.metadata.drop_all(eng, tables=[UserAccount.__table__])  # type: ignore[list-item]


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    with accounts_engine(sqlite_url(tmp_path)) as eng:
        yield eng


def stored(engine: Engine, username: str) -> UserAccount:
    with Session(engine) as s:
        return s.scalars(select(UserAccount).where(UserAccount.username == username)).one()


def refused(svc: AccountService, username: str, password: str) -> LoginError:
    with pytest.raises(LoginError) as info:
        svc.authenticate(username, password)
    return info.value


def test_a_created_account_signs_in_and_keeps_only_an_argon2id_hash(sqlite_engine: Engine) -> None:
    svc = service(sqlite_engine, Clock())
    info = svc.create("Chen.WL", " 陳文龍 ", "section_chief", PW)
    assert (info.username, info.display_name, info.role) == ("chen.wl", "陳文龍", "section_chief")
    user = svc.authenticate("CHEN.wl", PW)
    assert user == AuthenticatedUser(info.id, "chen.wl", "陳文龍", UserRole.SECTION_CHIEF)
    row = stored(sqlite_engine, "chen.wl")
    assert row.password_hash.startswith("$argon2id$v=19$") and PW not in row.password_hash


def test_default_argon2_parameters_are_at_least_owasp_and_written_into_the_hash(tmp_path: Path) -> None:
    assert DEFAULT_PARAMS.memory_kib >= OWASP_MIN_MEMORY_KIB == 19456
    assert DEFAULT_PARAMS.time_cost >= OWASP_MIN_TIME_COST == 2
    assert DEFAULT_PARAMS.parallelism >= 1
    with accounts_engine(sqlite_url(tmp_path)) as eng:
        AccountService(eng).create("lin", "", "watch_officer", PW)
        params = argon2.extract_parameters(stored(eng, "lin").password_hash)
    assert params.type is argon2.Type.ID
    assert (params.memory_cost, params.time_cost, params.parallelism) == (
        DEFAULT_PARAMS.memory_kib,
        DEFAULT_PARAMS.time_cost,
        DEFAULT_PARAMS.parallelism,
    )


@pytest.mark.parametrize(("memory_kib", "time_cost"), [(19455, 2), (19456, 1), (8192, 5)])
def test_parameters_below_the_owasp_floor_are_refused(memory_kib: int, time_cost: int) -> None:
    with pytest.raises(WeakParametersError, match="OWASP"):
        Argon2Params(memory_kib=memory_kib, time_cost=time_cost)


def test_login_rehashes_when_the_parameters_were_raised(sqlite_engine: Engine) -> None:
    clock = Clock()
    service(sqlite_engine, clock).create("lin", "", "watch_officer", PW)
    before = stored(sqlite_engine, "lin")
    raised = Argon2Params(memory_kib=OWASP_MIN_MEMORY_KIB * 2, time_cost=3)
    stronger = service(sqlite_engine, clock, raised)
    refused(stronger, "lin", WRONG)  # a failed login does not re-hash
    assert stored(sqlite_engine, "lin").password_hash == before.password_hash
    clock.t += 1
    stronger.authenticate("lin", PW)
    after = stored(sqlite_engine, "lin")
    params = argon2.extract_parameters(after.password_hash)
    assert (params.memory_cost, params.time_cost) == (OWASP_MIN_MEMORY_KIB * 2, 3)
    assert after.password_changed_at == before.password_changed_at  # same password, new hash
    stronger.authenticate("lin", PW)  # already current: left alone
    assert stored(sqlite_engine, "lin").password_hash == after.password_hash


def test_failures_double_the_delay_then_lock_for_15_minutes(engine: Engine) -> None:
    clock = Clock()
    svc = service(engine, clock)
    svc.create("lin", "", "watch_officer", PW)
    for n, delay in enumerate([1.0, 2.0, 4.0, 8.0], start=1):
        err = refused(svc, "lin", WRONG)
        assert err.reason is LoginFailure.BAD_CREDENTIALS and err.retry_after_s == delay
        assert f"{5 - n} more failures" in str(err) and "帳號或密碼錯誤" in str(err)
        # too soon: refused without looking at the password, even the right one, and not counted
        clock.t += delay / 2
        early = refused(svc, "lin", PW)
        assert early.reason is LoginFailure.THROTTLED and early.retry_after_s == delay / 2
        assert stored(engine, "lin").failed_attempts == n
        clock.t += delay / 2
    err = refused(svc, "lin", WRONG)
    assert err.reason is LoginFailure.LOCKED and err.retry_after_s == 900.0 and "15 min" in str(err)
    clock.t += 899
    during = refused(svc, "lin", PW)
    assert during.reason is LoginFailure.LOCKED and during.retry_after_s == pytest.approx(1.0)
    clock.t += 1
    assert svc.authenticate("lin", PW).username == "lin"
    row = stored(engine, "lin")
    assert (row.failed_attempts, row.locked_until, row.last_failed_at) == (0, None, None)


def test_concurrent_wrong_passwords_spend_one_attempt(engine: Engine) -> None:
    """Two consoles (threads) guessing at the same instant: the row lock lets one check the
    password; the others find the delay running."""
    clock = Clock()
    service(engine, clock).create("lin", "", "watch_officer", PW)
    consoles = [service(engine, clock) for _ in range(4)]
    barrier = threading.Barrier(len(consoles))
    reasons: list[LoginFailure] = []

    def guess(svc: AccountService) -> None:
        barrier.wait()
        try:
            svc.authenticate("lin", WRONG)
        except LoginError as err:
            reasons.append(err.reason)

    threads = [threading.Thread(target=guess, args=(svc,)) for svc in consoles]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(reasons) == [LoginFailure.BAD_CREDENTIALS] + [LoginFailure.THROTTLED] * 3
    assert stored(engine, "lin").failed_attempts == 1


def test_a_success_clears_the_count(sqlite_engine: Engine) -> None:
    clock = Clock()
    svc = service(sqlite_engine, clock)
    svc.create("lin", "", "watch_officer", PW)
    for _ in range(3):
        refused(svc, "lin", WRONG)
        clock.t += 10
    svc.authenticate("lin", PW)
    clock.t += 10
    assert refused(svc, "lin", WRONG).retry_after_s == 1.0  # counting from one again


def test_wait_true_sleeps_the_delay_out_but_never_a_lock(sqlite_engine: Engine) -> None:
    clock = Clock()
    svc = service(sqlite_engine, clock)
    svc.create("lin", "", "watch_officer", PW)
    refused(svc, "lin", WRONG)
    assert svc.authenticate("lin", PW, wait=True).username == "lin"
    assert clock.slept == [1.0]
    for _ in range(5):
        with pytest.raises(LoginError):
            svc.authenticate("lin", WRONG, wait=True)
    assert clock.slept == [1.0, 1.0, 2.0, 4.0, 8.0]
    with pytest.raises(LoginError) as info:
        svc.authenticate("lin", PW, wait=True)
    assert info.value.reason is LoginFailure.LOCKED and len(clock.slept) == 5


def test_admin_unlock_ends_a_lock_at_once(sqlite_engine: Engine) -> None:
    clock = Clock()
    svc = service(sqlite_engine, clock)
    svc.create("lin", "", "watch_officer", PW)
    for _ in range(5):
        refused(svc, "lin", WRONG)
        clock.t += 10
    assert svc.list_users()[0].locked_at(clock.t)
    svc.unlock("lin")
    assert not svc.list_users()[0].locked_at(clock.t)
    assert svc.authenticate("lin", PW).username == "lin"
    with pytest.raises(AccountError, match="nobody"):
        svc.unlock("nobody")


def test_a_clock_set_back_never_lengthens_the_wait(sqlite_engine: Engine) -> None:
    clock = Clock()
    svc = service(sqlite_engine, clock)
    svc.create("lin", "", "watch_officer", PW)
    refused(svc, "lin", WRONG)
    clock.t -= 3600  # the wall clock stepped back an hour
    assert refused(svc, "lin", PW).retry_after_s == 1.0
    for _ in range(4):
        clock.t += 3601
        refused(svc, "lin", WRONG)
    assert stored(sqlite_engine, "lin").locked_until == clock.t + 900
    clock.t -= 7200
    assert refused(svc, "lin", PW).retry_after_s == 900.0


def test_an_unknown_username_answers_like_a_first_failure(sqlite_engine: Engine) -> None:
    clock = Clock()
    svc = service(sqlite_engine, clock)
    svc.create("lin", "", "watch_officer", PW)
    unknown = refused(svc, "nobody", WRONG)
    known = refused(svc, "lin", WRONG)
    assert (unknown.reason, str(unknown), unknown.retry_after_s) == (
        known.reason,
        str(known),
        known.retry_after_s,
    )


def test_a_disabled_account_cannot_sign_in_until_enabled(sqlite_engine: Engine) -> None:
    clock = Clock()
    svc = service(sqlite_engine, clock)
    svc.create("lin", "", "watch_officer", PW)
    svc.disable("lin")
    assert refused(svc, "lin", WRONG).reason is LoginFailure.BAD_CREDENTIALS  # says nothing more
    clock.t += 5
    err = refused(svc, "lin", PW)
    assert err.reason is LoginFailure.DISABLED and "停用" in str(err) and err.retry_after_s == 0
    assert svc.list_users()[0].disabled
    svc.enable("lin")
    assert svc.authenticate("lin", PW).username == "lin"


def test_the_last_enabled_admin_cannot_be_disabled(sqlite_engine: Engine) -> None:
    svc = service(sqlite_engine, Clock())
    svc.create("root1", "", "admin", PW)
    with pytest.raises(AccountError, match="last enabled admin"):
        svc.disable("root1")
    svc.create("root2", "", "admin", PW)
    svc.disable("root1")
    with pytest.raises(AccountError, match="last enabled admin"):
        svc.disable("root2")


def test_change_password_needs_the_old_one_and_a_wrong_one_counts(sqlite_engine: Engine) -> None:
    clock = Clock()
    svc = service(sqlite_engine, clock)
    svc.create("lin", "", "watch_officer", PW)
    new = "another long passphrase"
    with pytest.raises(PasswordPolicyError):
        svc.change_password("lin", PW, "short")  # refused before any attempt is spent
    assert stored(sqlite_engine, "lin").failed_attempts == 0
    with pytest.raises(LoginError):
        svc.change_password("lin", WRONG, new)
    assert stored(sqlite_engine, "lin").failed_attempts == 1
    clock.t += 60
    svc.change_password("lin", PW, new)
    assert stored(sqlite_engine, "lin").password_changed_at == clock.t
    clock.t += 60
    assert svc.authenticate("lin", new).username == "lin"
    assert refused(svc, "lin", PW).reason is LoginFailure.BAD_CREDENTIALS


def test_admin_set_password_replaces_it_and_clears_a_lock(sqlite_engine: Engine) -> None:
    clock = Clock()
    svc = service(sqlite_engine, clock)
    svc.create("lin", "", "watch_officer", PW)
    for _ in range(5):
        refused(svc, "lin", WRONG)
        clock.t += 10
    svc.set_password("lin", "reset by the admin 2026")
    assert svc.authenticate("lin", "reset by the admin 2026").username == "lin"
    clock.t += 10
    assert refused(svc, "lin", PW).reason is LoginFailure.BAD_CREDENTIALS


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("elevenchars", "at least 12"),
        ("x" * 1025, "too long"),
        ("twelve chars\n", "control"),
        ("aaaaaaaaaaaaaa", "repeated"),
        ("Lin.Colleague", "username"),
    ],
)
def test_password_policy(sqlite_engine: Engine, password: str, why: str) -> None:
    svc = service(sqlite_engine, Clock())
    with pytest.raises(PasswordPolicyError, match=why):
        svc.create("lin.colleague", "", "watch_officer", password)
    assert svc.list_users() == []


def test_passwords_compare_after_unicode_normalisation(sqlite_engine: Engine) -> None:
    svc = service(sqlite_engine, Clock())
    decomposed, composed = "café au lait 咖啡 e\u0301", "café au lait 咖啡 \u00e9"
    svc.create("lin", "", "watch_officer", decomposed)
    assert svc.authenticate("lin", composed).username == "lin"


@pytest.mark.parametrize(
    ("username", "display", "role", "why"),
    [
        ("bad name", "", "admin", "must be 1-64"),
        ("-lin", "", "admin", "must be 1-64"),
        ("x" * 65, "", "admin", "must be 1-64"),
        ("lin2", "", "boss", "unknown role"),
        ("lin2", "名" * 129, "admin", "too long"),
        ("LIN", "", "admin", "already exists"),
    ],
)
def test_bad_accounts_are_refused(
    sqlite_engine: Engine, username: str, display: str, role: str, why: str
) -> None:
    svc = service(sqlite_engine, Clock())
    svc.create("lin", "", "watch_officer", PW)
    with pytest.raises(AccountError, match=why):
        svc.create(username, display, role, PW)
    assert [u.username for u in svc.list_users()] == ["lin"]


def test_an_account_with_a_stale_role_or_broken_hash_is_refused_clearly(sqlite_engine: Engine) -> None:
    clock = Clock()
    svc = service(sqlite_engine, clock)
    svc.create("lin", "", "watch_officer", PW)
    with Session(sqlite_engine) as s, s.begin():
        s.execute(update(UserAccount).values(role="retired_role"))
    err = refused(svc, "lin", PW)
    assert err.reason is LoginFailure.INVALID_ACCOUNT and "retired_role" in str(err)
    with Session(sqlite_engine) as s, s.begin():
        s.execute(update(UserAccount).values(role="admin", password_hash="plain text?"))
    assert refused(svc, "lin", PW).reason is LoginFailure.INVALID_ACCOUNT


def test_list_users_is_sorted_and_has_no_hash(sqlite_engine: Engine) -> None:
    svc = service(sqlite_engine, Clock())
    svc.create("wang", "王", "gate_officer", PW)
    svc.create("chen", "陳", "head_of_unit", PW)
    users = svc.list_users()
    assert [(u.username, u.role) for u in users] == [("chen", "head_of_unit"), ("wang", "gate_officer")]
    assert not any(hasattr(u, "password_hash") for u in users)
    assert svc.get("WANG") == users[1] and svc.get("nobody") is None


def test_the_owasp_minimum_is_the_floor_itself() -> None:
    assert (OWASP_MINIMUM.memory_kib, OWASP_MINIMUM.time_cost, OWASP_MINIMUM.parallelism) == (19456, 2, 1)
