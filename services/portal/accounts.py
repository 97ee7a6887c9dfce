"""Portal accounts and sign-in sessions, in the portal's own Redis keys (portal:*).

An account: username, name, role, group_id (partner), bapas_office, nip (staff), disabled.
Passwords are Argon2id hashes (argon2-cffi); a password is shown once, when it is made.
A sign-in session is a random id in the signed cookie pointing at portal:session:<id>,
so signing out or disabling an account ends it at once.
"""
import json
import re
import secrets
from dataclasses import asdict, dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from shared.auth import ROLES
from shared.ids import is_uuid

ACCOUNTS = "portal:accounts"                  # set of usernames
SESSION_TTL_SECONDS = 8 * 3600                # idle time before a sign-in lapses
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10

_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A request about accounts that cannot be done, with the field it concerns."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    name: str = ""
    group_id: str | None = None
    bapas_office: str = ""
    nip: str = ""
    disabled: bool = False

    @property
    def is_staff(self) -> bool:
        return self.role != "partner"


def account_key(username: str) -> str:
    return f"portal:account:{username}"


def session_key(session_id: str) -> str:
    return f"portal:session:{session_id}"


def new_password() -> str:
    return secrets.token_urlsafe(12)


def check_account(account: Account) -> None:
    if not USERNAME.match(account.username):
        raise AccountError("username", "username: 2 to 64 lower-case letters, digits, . _ -")
    if account.role not in ROLES:
        raise AccountError("role", f"role must be one of {', '.join(ROLES)}")
    if account.role == "partner" and not is_uuid(account.group_id or ""):
        raise AccountError("group_id", "a partner account needs its group's id (a UUID)")
    if account.role != "partner" and account.group_id:
        raise AccountError("group_id", "only a partner account belongs to a group")


class AccountStore:
    def __init__(self, redis, hasher: PasswordHasher | None = None):
        self.redis = redis
        self.hasher = hasher or _hasher

    def add(self, account: Account, password: str | None = None) -> str:
        """Create the account; answer its password (the one given, or a new one)."""
        check_account(account)
        password = password or new_password()
        if len(password) < MIN_PASSWORD:
            raise AccountError("password", f"a password needs at least {MIN_PASSWORD} characters")
        record = {**asdict(account), "password_hash": self.hasher.hash(password)}
        if not self.redis.set(account_key(account.username), json.dumps(record), nx=True):
            raise AccountError("username", f"the account {account.username!r} exists already")
        self.redis.sadd(ACCOUNTS, account.username)
        return password

    def ensure_admin(self) -> str | None:
        """On a portal with no account at all: create `admin`; answer its password (None otherwise)."""
        if self.redis.scard(ACCOUNTS):
            return None
        try:
            return self.add(Account(username="admin", role="admin", name="Administrator"))
        except AccountError:
            return None

    def get(self, username: str) -> Account | None:
        record = self._record(username)
        return _account(record) if record else None

    def all(self) -> list[Account]:
        names = sorted(self.redis.smembers(ACCOUNTS))
        raws = self.redis.mget([account_key(n) for n in names]) if names else []
        return [_account(json.loads(raw)) for raw in raws if raw]

    def authenticate(self, username: str, password: str) -> Account | None:
        """The account, when the password is right and the account is not disabled."""
        record = self._record(username) if USERNAME.match(username or "") else None
        try:
            self.hasher.verify(record["password_hash"] if record else _DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if record is None or record.get("disabled"):
            return None
        if self.hasher.check_needs_rehash(record["password_hash"]):
            self._save({**record, "password_hash": self.hasher.hash(password)})
        return _account(record)

    def set_disabled(self, username: str, disabled: bool) -> None:
        record = self._existing(username)
        self._save({**record, "disabled": disabled})
        if disabled:
            self.end_sessions(username)

    def reset_password(self, username: str) -> str:
        record = self._existing(username)
        password = new_password()
        self._save({**record, "password_hash": self.hasher.hash(password)})
        self.end_sessions(username)
        return password

    # Sign-in sessions

    def start_session(self, username: str) -> str:
        session_id = secrets.token_urlsafe(32)
        self.redis.set(session_key(session_id), username, ex=SESSION_TTL_SECONDS)
        self.redis.sadd(f"portal:sessions-of:{username}", session_id)
        return session_id

    def session_user(self, session_id: str) -> Account | None:
        """The signed-in account of a session (its idle time starts again), or None."""
        username = self.redis.get(session_key(session_id))
        account = self.get(username) if username else None
        if account is None or account.disabled:
            return None
        self.redis.expire(session_key(session_id), SESSION_TTL_SECONDS)
        return account

    def end_session(self, session_id: str) -> None:
        username = self.redis.get(session_key(session_id))
        self.redis.delete(session_key(session_id))
        if username:
            self.redis.srem(f"portal:sessions-of:{username}", session_id)

    def end_sessions(self, username: str) -> None:
        ids = self.redis.smembers(f"portal:sessions-of:{username}")
        if ids:
            self.redis.delete(*[session_key(i) for i in ids])
        self.redis.delete(f"portal:sessions-of:{username}")

    def _record(self, username: str) -> dict | None:
        raw = self.redis.get(account_key(username))
        return json.loads(raw) if raw else None

    def _existing(self, username: str) -> dict:
        record = self._record(username)
        if record is None:
            raise AccountError("username", f"there is no account {username!r}")
        return record

    def _save(self, record: dict) -> None:
        self.redis.set(account_key(record["username"]), json.dumps(record))


def _account(record: dict) -> Account:
    return Account(**{k: v for k, v in record.items() if k != "password_hash"})
