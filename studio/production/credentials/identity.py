"""Who signs: a local identity made on first use in the user's config folder, or a certificate from a real CA.

C2PA's signer (c2pa-python) accepts an ES256 chain whose CA has BasicConstraints CA, KeyUsage keyCertSign and a
SubjectKeyIdentifier, and whose leaf has KeyUsage digitalSignature (critical), ExtendedKeyUsage emailProtection,
SubjectKeyIdentifier and AuthorityKeyIdentifier; without SKI/AKI it refuses the chain as invalid. A local CA is
not on any trust list, so a verifier reports such a signature as valid but untrusted: the output says so.
"""

from __future__ import annotations

import datetime
import getpass
import os
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

from studio.core.errors import UserError
from studio.core.user_files import config_dir, read_json, write_json_atomic

LOCAL_ORG = "Speech Studio local signing identity"
PREFS_FILE = "credentials.json"  # {"enabled": bool, "cert": path, "key": path}; shared by the CLI and the editor


class CredentialsError(UserError):
    """One sentence for the user."""


@dataclass(frozen=True)
class Identity:
    chain_pem: bytes  # the leaf first, then the CA(s) that issued it
    key_pem: bytes
    name: str  # the leaf's subject, as a verifier will show it
    local: bool  # made by the studio: untrusted by anyone else

    def describe(self) -> str:
        return (f"{self.name} (a local, untrusted identity made on this computer)" if self.local
                else f"{self.name} (certificate from {issuer_of(self.chain_pem)})")


def identity_dir() -> Path:
    return config_dir() / "signing"


def preferences() -> dict:
    return read_json(config_dir() / PREFS_FILE)


def save_preferences(enabled: bool, cert: str = "", key: str = "") -> None:
    write_json_atomic(config_dir() / PREFS_FILE, {"enabled": bool(enabled), "cert": cert, "key": key})


def _name(cert) -> str:
    from cryptography.x509.oid import NameOID

    for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        attrs = cert.subject.get_attributes_for_oid(oid)
        if attrs:
            return str(attrs[0].value)
    return cert.subject.rfc4514_string()


def issuer_of(chain_pem: bytes) -> str:
    from cryptography import x509

    cert = x509.load_pem_x509_certificates(chain_pem)[0]
    attrs = [a.value for a in cert.issuer]
    return str(attrs[-1]) if attrs else "an unnamed issuer"


def _write_private(path: Path, data: bytes) -> None:
    """Atomically, readable by the user only from the first byte on (mkstemp makes the file 0600)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def make_local(folder: Path) -> None:
    """A small CA and a leaf signed by it, with the extensions C2PA requires; the leaf's key is written 0600."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    who = f"{getpass.getuser()}@{socket.gethostname()}"
    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, LOCAL_ORG),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"Speech Studio local CA ({who})")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now)
          .not_valid_after(now + datetime.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    leaf_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, LOCAL_ORG),
                           x509.NameAttribute(NameOID.COMMON_NAME, f"Speech Studio ({who})")])
    leaf = (x509.CertificateBuilder().subject_name(leaf_name).issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    # Written into a private folder beside it and renamed into place: two first uses at once (two renders) never
    # pair one's key with the other's certificate; the one that loses the rename keeps the winner's identity.
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))  # mode 0700
    try:
        pem = serialization.Encoding.PEM
        _write_private(work / "signing.key", key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                              serialization.NoEncryption()))
        # The CA's key signs nothing more: it is not kept, so a stolen folder cannot mint new leaves.
        (work / "chain.pem").write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
        try:
            os.rename(work, folder)  # replaces an empty folder; refuses one that holds an identity
        except OSError:
            if not (folder / "signing.key").exists():
                raise
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def load(cert_path: str | Path, key_path: str | Path, local: bool = False) -> Identity:
    """A certificate chain (PEM, leaf first) and its private key (PEM); one sentence when either is unusable."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        chain_pem = Path(cert_path).read_bytes()
    except OSError as exc:
        raise CredentialsError(f"The signing certificate {cert_path} cannot be read ({exc.strerror or exc}); give "
                               "a PEM certificate chain, or sign with --no-credentials off.") from None
    try:
        key_pem = Path(key_path).read_bytes()
    except OSError as exc:
        raise CredentialsError(f"The signing key {key_path} cannot be read ({exc.strerror or exc}); give its PEM "
                               "private key, or turn credentials off with --no-credentials.") from None
    try:
        certs = x509.load_pem_x509_certificates(chain_pem)
    except ValueError:
        raise CredentialsError(f"The signing certificate {cert_path} is not a PEM certificate chain; give the "
                               "certificate and its issuers in PEM, leaf first.") from None
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError):
        where = " (delete it to make a new local identity)" if local else ""
        raise CredentialsError(f"The signing key {key_path} is not an unencrypted PEM private key{where}; give a "
                               "readable key or turn credentials off with --no-credentials.") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise CredentialsError(f"The signing key {key_path} is not a P-256 (ES256) key, which is what content "
                               "credentials are signed with here; give an ES256 key and certificate.")
    if certs[0].public_key().public_numbers() != key.public_key().public_numbers():
        raise CredentialsError(f"The signing key {key_path} does not belong to the certificate {cert_path}; give "
                               "the key that was certified.")
    return Identity(chain_pem, key_pem, _name(certs[0]), local)


def local_identity(folder: Path | None = None) -> Identity:
    """The local identity, made on first use."""
    folder = folder or identity_dir()
    cert, key = folder / "chain.pem", folder / "signing.key"
    if not cert.exists() and not key.exists():
        try:
            make_local(folder)
        except OSError as exc:
            raise CredentialsError(f"The local signing identity cannot be made in {folder} ({exc.strerror or exc}); "
                                   "check that folder, or turn credentials off with --no-credentials.") from None
    return load(cert, key, local=True)


def resolve(cert: str | None = None, key: str | None = None) -> Identity:
    """--sign-cert/--sign-key, else the preference's certificate, else the local identity."""
    if bool(cert) != bool(key):
        raise CredentialsError("Give both --sign-cert and --sign-key (the certificate and its private key).")
    if cert and key:
        return load(cert, key)
    prefs = preferences()
    if prefs.get("cert") and prefs.get("key"):
        return load(prefs["cert"], prefs["key"])
    return local_identity()


def enabled_by_preference() -> bool:
    return preferences().get("enabled", True) is not False
