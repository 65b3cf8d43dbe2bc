#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: clb_server_certificate
short_description: Upload or delete a server certificate of Classic Load Balancer HTTPS listeners
version_added: 1.1.0
description:
  - Makes sure the region has a server certificate named O(name) holding O(certificate) (V(present)), or
    that it has no certificate named O(name) (V(absent)).
  - A certificate is found by its name and its fingerprint (the SHA-1 of the certificate, computed on the
    controller), from every certificate C(DescribeServerCertificates) lists. The API lets several certificates
    share a name, and a certificate cannot be changed once uploaded.
  - So a different certificate under the same name is uploaded as a B(new) certificate (a new ID); the
    certificates that had the name before stay, since a listener may still present them. They are returned in
    RV(others) so that a rotation can switch the listener to the new one and then delete them
    (O(state=absent) with O(server_certificate_id)). See C(playbooks/rotate_certificate.yml).
  - Before any call, the certificate and key are checked on the controller with the C(cryptography) library
    (a dependency of ansible-core) - a PEM certificate, not expired, a PEM unencrypted private key, the key
    the certificate's - and the task fails naming the option at fault.
  - The private key is sent to the API only to upload it; it is never logged nor returned.
author: ha_web.alicloud developers (@ha-web)
options:
  name:
    description:
      - The certificate's name, 1 to 80 characters.
    type: str
    required: true
    aliases: [server_certificate_name]
  certificate:
    description:
      - The PEM certificate, followed by its intermediate certificates if any.
      - Required with O(state=present). With O(state=absent), only the certificate with this fingerprint is
        deleted.
    type: str
  private_key:
    description:
      - The certificate's unencrypted PEM private key. Required with O(state=present).
    type: str
  server_certificate_id:
    description:
      - With O(state=absent), delete only this certificate of the name (for example the one a rotation
        replaced).
    type: str
  state:
    description:
      - V(present) uploads the certificate unless one with its name and fingerprint exists; V(absent) deletes
        the certificates of the name (narrowed by O(certificate) or O(server_certificate_id)).
      - Deleting a certificate an HTTPS listener presents is refused by the API (C(CertificateAndPrivateKeyIsRefered)).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.attributes
requirements:
  - cryptography
"""

EXAMPLES = r"""
- name: Upload the site's certificate
  ha_web.alicloud.clb_server_certificate:
    name: web-site
    certificate: "{{ lookup('ansible.builtin.file', 'site.crt') }}"
    private_key: "{{ lookup('ansible.builtin.file', 'site.key') }}"
  register: site_certificate

- name: Delete a certificate a rotation replaced
  ha_web.alicloud.clb_server_certificate:
    name: web-site
    server_certificate_id: "{{ item }}"
    state: absent
  loop: "{{ site_certificate.others | map(attribute='server_certificate_id') }}"
"""

RETURN = r"""
certificate:
  description:
    - The certificate with the task's name and fingerprint; empty when absent. In check mode, what it would
      be (without an ID when it would be uploaded). Never the certificate text nor the key.
  returned: always
  type: dict
  contains:
    server_certificate_id:
      description:
        - The certificate's ID, for the O(ha_web.alicloud.clb_listener#module:server_certificate_id) of an
          HTTPS listener.
      type: str
    server_certificate_name:
      description: The name.
      type: str
    fingerprint:
      description: SHA-1 fingerprint, lower-case hex pairs separated by colons.
      type: str
      sample: 68:08:1a:f8:2c:97:69:a3:a1:e6:16:41:4b:ca:4f:5d:ee:a5:ef:0d
    common_name:
      description: The certificate's common name.
      type: str
    subject_alternative_names:
      description: The certificate's alternative names.
      type: list
      elements: str
    expire_time:
      description: When the certificate expires (UTC, ISO 8601).
      type: str
      sample: "2027-12-01T16:40:00Z"
    expire_time_stamp:
      description: The same, in milliseconds since the epoch.
      type: int
others:
  description:
    - The other certificates of the name (another fingerprint), in the same form; with O(state=present)
      these are what a rotation deletes once no listener presents them.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.ha_web.alicloud.plugins.module_utils import certificates, slb
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule, snake_resource

SHOWN = (
    "ServerCertificateId",
    "ServerCertificateName",
    "Fingerprint",
    "CommonName",
    "SubjectAlternativeNames",
    "ExpireTime",
    "ExpireTimeStamp",
)


def render(certificate):
    if not certificate:
        return {}
    shown = {k: certificate[k] for k in SHOWN if k in certificate}
    names = shown.get("SubjectAlternativeNames")
    if isinstance(names, dict):
        shown["SubjectAlternativeNames"] = names.get("SubjectAlternativeName") or []
    return snake_resource(shown, tags_field=None)


def validate(module):
    """The checks made before any call; returns the fingerprint of the task's certificate (None without one)."""
    params = module.params
    problems = []
    if not 1 <= len(params["name"]) <= 80:
        problems.append("name: must be 1 to 80 characters")
    wanted = None
    try:
        if params["state"] == "present":
            pair_problems, certificate = certificates.check_pair(params["certificate"], params["private_key"])
            problems += pair_problems
            wanted = certificates.fingerprint(certificate) if certificate is not None else None
        elif params["certificate"]:
            wanted = certificates.fingerprint_of(params["certificate"])
            if wanted is None:
                problems.append("certificate: not a PEM certificate (expected -----BEGIN CERTIFICATE----- ...)")
    except certificates.MissingCryptography as error:
        module.module.fail_json(msg="cryptography is required to check the certificate: %s" % error)
    module.fail_on_problems(problems)
    return wanted


def upload(module, fingerprint):
    params = module.params
    if module.check_mode:
        return {"ServerCertificateName": params["name"], "Fingerprint": fingerprint}
    body = module.call(
        "slb",
        "UploadServerCertificate",
        {
            "RegionId": module.region_id,
            "ServerCertificateName": params["name"],
            "ServerCertificate": params["certificate"],
            "PrivateKey": params["private_key"],
        },
        # no ClientToken on this API: after a lost answer, a certificate of this name and fingerprint is ours
        verify_lost=lambda: find(module, fingerprint)[0],
    )
    return find(module, fingerprint)[0] or dict(body)


def find(module, fingerprint):
    """(the certificate of the task's name and `fingerprint` or None, the others of the name)."""
    named = [c for c in slb.list_server_certificates(module) if c.get("ServerCertificateName") == module.params["name"]]
    ours = [c for c in named if fingerprint and (c.get("Fingerprint") or "").lower() == fingerprint]
    others = [c for c in named if c not in ours]
    return (ours[0] if ours else None), others


def delete(module, found):
    """Delete every certificate in `found`; returns whether anything was (or would be) deleted."""
    for certificate in found:
        if module.check_mode:
            continue
        try:
            module.call(
                "slb",
                "DeleteServerCertificate",
                {"RegionId": module.region_id, "ServerCertificateId": certificate["ServerCertificateId"]},
            )
        except AlicloudApiError as error:
            if not is_code(error, *slb.SERVER_CERTIFICATE_NOT_FOUND):
                raise
    return bool(found)


def main():
    module = AlicloudModule(
        argument_spec=dict(
            name=dict(type="str", required=True, aliases=["server_certificate_name"]),
            certificate=dict(type="str"),
            private_key=dict(type="str", no_log=True),
            server_certificate_id=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        required_if=[("state", "present", ["certificate", "private_key"])],
        mutually_exclusive=[("server_certificate_id", "private_key")],
        supports_check_mode=True,
    )
    params = module.params
    fingerprint = validate(module)
    what = "server certificate %s" % params["name"]
    try:
        ours, others = find(module, fingerprint)
        if params["state"] == "absent":
            found = ([ours] if ours else []) + ([] if fingerprint else others)
            if params["server_certificate_id"]:
                found = [c for c in found if c["ServerCertificateId"] == params["server_certificate_id"]]
            changed = delete(module, found)
            before = [render(c) for c in found]
            module.exit(changed, {}, key="certificate", before={"certificates": before}, after={}, others=[])
        changed = ours is None
        before = render(ours) if ours else None
        if ours is None:
            ours = upload(module, fingerprint)
    except AlicloudApiError as error:
        module.fail_api(error, what)
    after = render(ours)
    module.exit(changed, after, key="certificate", before=before, after=after, others=[render(c) for c in others])


if __name__ == "__main__":
    main()
