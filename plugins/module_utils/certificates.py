# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PEM server certificates checked on the controller before any call: readable, not expired, and the private
key the certificate's; and their SHA-1 fingerprint in the form the SLB API shows (lower-case, colon-separated).

Uses the `cryptography` library (a dependency of ansible-core), imported when first needed:
MissingCryptography when it is not there.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime


class MissingCryptography(Exception):
    pass


def _cryptography():
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
    except ImportError as error:
        raise MissingCryptography(str(error)) from error
    return x509, hashes, serialization


def load_certificate(pem):
    """The first certificate of a PEM text, or None when the text holds none."""
    x509, _hashes, _serialization = _cryptography()
    try:
        return x509.load_pem_x509_certificates(pem.encode())[0]
    except (ValueError, IndexError, TypeError):
        return None


def fingerprint(certificate):
    _x509, hashes, _serialization = _cryptography()
    return ":".join("%02x" % byte for byte in bytearray(certificate.fingerprint(hashes.SHA1())))


def fingerprint_of(pem):
    """The SLB-style fingerprint of the first certificate in `pem`; None when it is not a certificate."""
    certificate = load_certificate(pem)
    return fingerprint(certificate) if certificate is not None else None


def _expires(certificate):
    try:
        return certificate.not_valid_after_utc
    except AttributeError:  # cryptography < 42
        return certificate.not_valid_after.replace(tzinfo=datetime.timezone.utc)


def _public_bytes(key):
    _x509, _hashes, serialization = _cryptography()
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def check_pair(certificate_pem, key_pem, now=None):
    """The problems of a certificate and its private key, each naming its option (empty list: none), and the
    certificate (None when it cannot be read)."""
    _x509, _hashes, serialization = _cryptography()
    problems = []
    certificate = load_certificate(certificate_pem or "")
    if certificate is None:
        problems.append("certificate: not a PEM certificate (expected -----BEGIN CERTIFICATE----- ...)")
    else:
        expires = _expires(certificate)
        if expires <= (now or datetime.datetime.now(datetime.timezone.utc)):
            problems.append(
                "certificate: expired on %s; a load balancer would serve it and every browser refuse it"
                % expires.strftime("%Y-%m-%dT%H:%M:%SZ")
            )
    try:
        key = serialization.load_pem_private_key((key_pem or "").encode(), password=None)
    except TypeError:
        problems.append("private_key: encrypted; the API takes an unencrypted key (openssl rsa -in key -out plain)")
        key = None
    except (ValueError, Exception):  # unsupported algorithms raise UnsupportedAlgorithm
        problems.append("private_key: not a PEM private key (expected -----BEGIN ... PRIVATE KEY----- ...)")
        key = None
    mismatch = key is not None and certificate is not None
    if mismatch and _public_bytes(key.public_key()) != _public_bytes(certificate.public_key()):
        problems.append("private_key: does not match the certificate (its public key is another one)")
    return problems, certificate
