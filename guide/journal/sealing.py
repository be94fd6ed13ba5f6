"""Sealing an entry's words with a passphrase: Fernet, with its key from the passphrase by scrypt."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass

from guide.errors import UsageError
from guide.translation import _

SCRYPT = {"n": 2**15, "r": 8, "p": 1}
"""scrypt's cost: about 0.1 s and 32 MiB to try one passphrase, the same to open the journal."""
SALT_BYTES = 16
CHECK = b"inner-guide journal"
"""Sealed with the key when the journal is locked, so that a wrong passphrase is told apart from a right one."""


class WrongPassphrase(UsageError):
    """A passphrase that does not open the journal; nothing was changed."""


@dataclass(frozen=True)
class Lock:
    """What the journal keeps of its passphrase: the salt its key is made with, and a check sealed with it."""

    salt: bytes
    check: bytes

    def to_json(self) -> str:
        return json.dumps({"salt": base64.b64encode(self.salt).decode(), "check": self.check.decode()})

    @classmethod
    def from_json(cls, text: str) -> Lock:
        fields = json.loads(text)
        return cls(base64.b64decode(fields["salt"]), fields["check"].encode())


class Seal:
    """The key a passphrase makes: seals and opens words."""

    def __init__(self, passphrase: str, salt: bytes):
        from cryptography.fernet import Fernet
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        key = Scrypt(salt=salt, length=32, **SCRYPT).derive(passphrase.encode("utf-8"))
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            raise WrongPassphrase(_("this passphrase does not open the journal; nothing was changed")) from None


MIN_PASSPHRASE_CHARACTERS, MIN_PASSPHRASE_WORDS = 8, 3


def passphrase_problem(passphrase: str) -> str | None:
    """What makes a passphrase too weak to lock the journal with, or None: it needs 8 characters or more, spaces
    aside, or three words."""
    if len("".join(passphrase.split())) >= MIN_PASSPHRASE_CHARACTERS or len(passphrase.split()) >= MIN_PASSPHRASE_WORDS:
        return None
    return _("too short to keep the journal safe: choose {characters} characters or more, or {words} words").format(
        characters=MIN_PASSPHRASE_CHARACTERS, words=MIN_PASSPHRASE_WORDS
    )


def new_lock(passphrase: str) -> tuple[Lock, Seal]:
    """A lock for a new passphrase, and the seal it makes."""
    if (problem := passphrase_problem(passphrase)) is not None:
        raise UsageError(_("the passphrase is {problem}; nothing was changed").format(problem=problem))
    salt = os.urandom(SALT_BYTES)
    seal = Seal(passphrase, salt)
    return Lock(salt, seal.seal(CHECK.decode()).encode()), seal


def opened(lock: Lock, passphrase: str) -> Seal:
    """The seal a passphrase makes, if it is the journal's; WrongPassphrase if not."""
    seal = Seal(passphrase, lock.salt)
    seal.open(lock.check.decode())
    return seal
