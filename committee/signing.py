"""PAdES signatures on the committee's resolutions (pyHanko), the same bytes for the same input.

The key and certificate are PEM files named by ``ACCORD_SIGNING_KEY`` and
``ACCORD_SIGNING_CERT``. ``make run`` makes a self-signed pair for the demo
(``manage.py signing_demo_pair``); a resolution signed with a self-signed certificate says so.

Two things would make every signature different, and are fixed instead: the signing time (the
caller passes the time of the last log entry the document rests on) and the second half of
the file identifier (derived from the unsigned bytes). RSA PKCS#1 v1.5 signatures are
deterministic, so the same document, key and time give the same signed bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from core.errors import InvalidState

FIELD_NAME = "AccordResolutionSignature"
DEMO_NAME = "Accord demonstration signer (self-signed)"


@dataclass(frozen=True)
class SigningIdentity:
    signer: signers.SimpleSigner
    subject: str
    self_signed: bool


def key_paths() -> tuple[Path, Path]:
    """The configured key and certificate files; a clear refusal when there are none."""
    key, cert = settings.ACCORD_SIGNING_KEY, settings.ACCORD_SIGNING_CERT
    if not key or not cert:
        message = _(
            "Resolutions cannot be signed: set ACCORD_SIGNING_KEY and ACCORD_SIGNING_CERT "
            "(make run creates a demonstration pair)."
        )
        raise InvalidState(message)
    return Path(key), Path(cert)


def identity() -> SigningIdentity:
    key, cert = key_paths()
    try:
        stamp = (key.stat().st_mtime_ns, cert.stat().st_mtime_ns)
    except OSError:
        raise InvalidState(
            _("Resolutions cannot be signed: the signing key or certificate file is missing.")
        ) from None
    return _load(str(key), str(cert), stamp)


@lru_cache(maxsize=4)
def _load(key: str, cert: str, _stamp: tuple[int, int]) -> SigningIdentity:
    signer = signers.SimpleSigner.load(key, cert)
    if signer is None:
        raise InvalidState(_("Resolutions cannot be signed: the signing key cannot be read."))
    certificate: asn1_x509.Certificate = signer.signing_cert
    return SigningIdentity(
        signer=signer,
        subject=certificate.subject.native.get("common_name") or certificate.subject.human_friendly,
        self_signed=certificate.self_signed != "no",
    )


class _FixedWriter(IncrementalPdfFileWriter):
    """An incremental writer whose file identifier and modification date come from the
    document and its record, not from chance and the clock."""

    seed = b""
    at = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    @classmethod
    def _handle_id(cls, prev):
        first, _second = super()._handle_id(prev)
        second = generic.ByteStringObject(hashlib.sha256(cls.seed).digest()[:16])
        return generic.ArrayObject([first, second])

    def _update_meta(self):
        super()._update_meta()
        if self._info is not None:
            self._info.get_object()[generic.pdf_name("/ModDate")] = generic.pdf_date(self.at)


class _FixedTimeSigner(signers.PdfSigner):
    """Sign as of a given moment: the signature's /M entry and the CMS signing time."""

    def __init__(self, *args, at: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._at = at

    def init_signing_session(self, *args, **kwargs):
        session = super().init_signing_session(*args, **kwargs)
        session.system_time = self._at
        return session


def sign_pdf(document: bytes, *, at: dt.datetime, reason: str, location: str = "") -> bytes:
    """Return ``document`` with an invisible PAdES signature, the same bytes for the same input."""
    who = identity()
    writer_class = type("_Writer", (_FixedWriter,), {"seed": document, "at": at})
    writer = writer_class(io.BytesIO(document))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
    )
    signer = _FixedTimeSigner(
        meta, signer=who.signer, new_field_spec=fields.SigFieldSpec(FIELD_NAME), at=at
    )
    out = io.BytesIO()
    signer.sign_pdf(writer, output=out)
    return out.getvalue()


def demo_pair(directory: Path) -> tuple[Path, Path]:
    """Make (once) a self-signed RSA key and certificate for the demo; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = directory / "demo-signing-key.pem", directory / "demo-signing-cert.pem"
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Accord demo"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path
