"""Signing a written WAV in place: the signed copy is made beside it and replaces it in one rename, so a failed
signing leaves the file as it was and a reader never sees half a file."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from studio.production.credentials import identity as ids
from studio.production.credentials.manifest import Declaration, manifest

ALG = b"es256"


@dataclass(frozen=True)
class Signing:
    """Whether and as whom the files of one command are signed. `who` is None when credentials are off."""

    who: ids.Identity | None
    off_reason: str = ""

    @property
    def on(self) -> bool:
        return self.who is not None

    def note(self) -> str:
        """The one line the output shows about credentials."""
        if not self.on:
            return f"content credentials are off ({self.off_reason}): the audio files carry no C2PA manifest."
        if self.who.local:
            return (f"content credentials signed by {self.who.name}, a local, untrusted identity made on this "
                    "computer; give --sign-cert/--sign-key (or set a certificate in the preferences) to sign as "
                    "a certified identity.")
        return f"content credentials signed by {self.who.describe()}."

    def sign(self, path: Path, decl: Declaration, part: str, title: str | None = None) -> None:
        if self.on:
            sign_wav(Path(path), manifest(decl, part, title or Path(path).name), self.who)


def choose(no_credentials: bool = False, cert: str | None = None, key: str | None = None) -> Signing:
    """What the flags and the preference ask for; a bad certificate or key raises CredentialsError before anything
    is rendered or written."""
    if no_credentials:
        return Signing(None, "--no-credentials")
    if not cert and not ids.enabled_by_preference():
        return Signing(None, "turned off in the preferences")
    return Signing(ids.resolve(cert, key))


def _signer(who: ids.Identity):
    import c2pa

    return c2pa.Signer.from_info(c2pa.C2paSignerInfo(ALG, who.chain_pem, who.key_pem, None))


def sign_wav(path: Path, definition: dict, who: ids.Identity) -> None:
    import json

    import c2pa

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".signing", dir=path.parent)
    os.close(fd)
    try:
        with open(path, "rb") as src, open(tmp, "w+b") as dst:
            c2pa.Builder(json.dumps(definition)).sign(_signer(who), "audio/wav", src, dst)
        os.chmod(tmp, os.stat(path).st_mode & 0o777)
        os.replace(tmp, path)
    except c2pa.C2paError as exc:
        raise ids.CredentialsError(f"{path.name} could not be signed ({str(exc).strip()}); check the signing "
                                   "certificate, or turn credentials off with --no-credentials.") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
