"""SLB server certificates: UploadServerCertificate, DescribeServerCertificates, DeleteServerCertificate.

A certificate is the PEM certificate (chain) and its private key, as uploaded; the API never returns either.
Uploads are checked as the real API checks them: both present, each a readable PEM, the key not encrypted, the
key the certificate's. Names need not be unique (the real API lets two certificates share a name); the
certificate is immutable. Deleting a certificate an HTTPS listener uses is refused. HAProxy (clb_haproxy.py)
reads `_certificate` and `_private_key` to terminate TLS for the listeners that use it.
"""

import hashlib

from ..errors import invalid_parameter
from ..ids import numeric_id
from . import slb_errors
from .base import iso, matches_tags, resource_group_id, tags_with_tag_key
from .slb import SLB

# The private fields of a `server_certificate` (beside the store's own, see store.py).
PRIVATE_FIELDS = {
    "server_certificate": {
        "_certificate": "the uploaded PEM certificate (chain); clb_haproxy.py (the file HAProxy serves)",
        "_private_key": "the uploaded PEM private key; clb_haproxy.py (the file HAProxy serves)",
    },
}


def _cryptography():
    """The `cryptography` parts the checks use (imported when first needed)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    return x509, hashes, serialization


def parse_certificate(pem):
    """The first certificate of a PEM text; None when it is not one."""
    x509, _hashes, _serialization = _cryptography()
    try:
        return x509.load_pem_x509_certificates(pem.encode())[0]
    except (ValueError, IndexError):
        return None


def _public_key_bytes(key):
    _x509, _hashes, serialization = _cryptography()
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _check_private_key(pem, certificate):
    _x509, _hashes, serialization = _cryptography()
    if "ENCRYPTED" in pem:
        raise slb_errors.PRIVATE_KEY_ENCRYPTION()
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except TypeError:
        raise slb_errors.PRIVATE_KEY_ENCRYPTION() from None
    except ValueError:
        raise slb_errors.INVALID_PARAMETER_KEY_FORMAT() from None
    if _public_key_bytes(key.public_key()) != _public_key_bytes(certificate.public_key()):
        raise slb_errors.CERTIFICATE_NOT_MATCH_PRIVATE_KEY()


def fingerprint(certificate):
    """SHA-1 of the DER certificate, lower-case hex pairs joined by colons, as the API shows it."""
    _x509, hashes, _serialization = _cryptography()
    return ":".join(f"{byte:02x}" for byte in certificate.fingerprint(hashes.SHA1()))


def _names(certificate):
    x509, _hashes, _serialization = _cryptography()
    common = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        alternative = [str(name.value) for name in extension]
    except x509.ExtensionNotFound:
        alternative = []
    return (str(common[0].value) if common else ""), alternative


def _certificate_id():
    return f"{numeric_id(16)}_{hashlib.sha1(numeric_id(12).encode()).hexdigest()[:11]}_{numeric_id(10)}"  # noqa: S324


def _render(certificate):
    rendered = {k: v for k, v in certificate.items() if not k.startswith("_")}
    rendered["Tags"] = tags_with_tag_key(certificate)
    return rendered


@SLB.action("UploadServerCertificate")
def upload_server_certificate(ctx):
    p = ctx.params
    pem, key = p.str("ServerCertificate", default=""), p.str("PrivateKey", default="")
    if not pem.strip() or not key.strip():
        raise slb_errors.INVALID_PARAMETER_CERTIFICATE_EMPTY()
    certificate = parse_certificate(pem)
    if certificate is None:
        raise slb_errors.INVALID_PARAMETER_CERTIFICATE_FORMAT()
    _check_private_key(key, certificate)
    name = p.str("ServerCertificateName", default="")
    if len(name) > 80:
        raise invalid_parameter("ServerCertificateName", name, "At most 80 characters.")
    common_name, alternative = _names(certificate)
    expires = certificate.not_valid_after_utc.timestamp()
    certificate_id = _certificate_id()
    record = ctx.store.add(
        "server_certificate",
        certificate_id,
        {
            "ServerCertificateId": certificate_id,
            "ServerCertificateName": name,
            "Fingerprint": fingerprint(certificate),
            "CommonName": common_name,
            "SubjectAlternativeNames": {"SubjectAlternativeName": alternative},
            "ExpireTime": iso(expires),
            "ExpireTimeStamp": int(expires * 1000),
            "CreateTime": iso(ctx.now),
            "CreateTimeStamp": int(ctx.now * 1000),
            "RegionId": ctx.region,
            "ResourceGroupId": resource_group_id(p),
            "IsAliCloudCertificate": 0,
            "AliCloudCertificateId": "",
            "AliCloudCertificateName": "",
            "_certificate": pem,
            "_private_key": key,
            "_tags": p.tags(),
        },
        region=ctx.region,
    )
    rendered = _render(record)
    del rendered["Tags"]
    return rendered


def server_certificate(ctx, certificate_id):
    """The region's certificate `certificate_id`, or ServerCertificateId.NotFound."""
    found = ctx.store.get("server_certificate", certificate_id or "")
    if found is None or found["_region"] != ctx.region:
        raise slb_errors.SERVER_CERTIFICATE_ID_NOT_FOUND()
    return found


@SLB.action("DescribeServerCertificates")
def describe_server_certificates(ctx):
    p = ctx.params
    wanted_ids = p.comma_list("ServerCertificateId")
    wanted_tags = p.tags()
    group = p.str("ResourceGroupId")
    found = sorted(ctx.list("server_certificate"), key=lambda c: c["CreateTimeStamp"])
    return {
        "ServerCertificates": {
            "ServerCertificate": [
                _render(c)
                for c in found
                if (not wanted_ids or c["ServerCertificateId"] in wanted_ids)
                and (group is None or c["ResourceGroupId"] == group)
                and matches_tags(c, wanted_tags)
            ]
        }
    }


@SLB.action("DeleteServerCertificate")
def delete_server_certificate(ctx):
    certificate = server_certificate(ctx, ctx.params.str("ServerCertificateId", required=True))
    if ctx.store.find("listener", ServerCertificateId=certificate["ServerCertificateId"]):
        raise slb_errors.CERTIFICATE_AND_PRIVATE_KEY_IS_REFERED()
    ctx.store.remove("server_certificate", certificate["_id"])
    return {}
