# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which credentials a module uses, in this order:

1. `access_key_id` / `access_key_secret` (+ `security_token`) given to the module, or found in the
   environment: ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET / ALIBABA_CLOUD_SECURITY_TOKEN,
   else the legacy ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY / ALICLOUD_SECURITY_TOKEN (the argument
   spec's fallbacks do the lookup);
2. a named `profile` (ALIBABA_CLOUD_PROFILE, legacy ALICLOUD_PROFILE): the aliyun CLI's
   ~/.aliyun/config.json, else the credentials file ~/.alibabacloud/credentials.ini;
3. the default chain of `alibabacloud-credentials` (OIDC, CLI profile, credentials file, ECS RAM role).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os


class CredentialsError(Exception):
    pass


def resolve(params):
    """Return (source, config keyword arguments for alibabacloud_tea_openapi's Config)."""
    key_id = params.get("access_key_id")
    secret = params.get("access_key_secret")
    token = params.get("security_token")
    if key_id or secret:
        if not (key_id and secret):
            missing = "access_key_secret" if key_id else "access_key_id"
            raise CredentialsError(
                "%s is missing: give both access_key_id and access_key_secret (or set "
                "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET)" % missing
            )
        config = {"access_key_id": key_id, "access_key_secret": secret}
        if token:
            config["security_token"] = token
            config["type"] = "sts"
        else:
            config["type"] = "access_key"
        return "access_key", config
    profile = params.get("profile")
    if profile:
        return "profile:%s" % profile, {"credential": _profile_client(profile)}
    return "default_chain", {"credential": _default_client()}


def _profile_client(profile):
    from alibabacloud_credentials.client import Client as CredentialClient

    cli_config = os.path.join(os.path.expanduser("~"), ".aliyun", "config.json")
    if os.path.exists(cli_config):
        from alibabacloud_credentials.provider.cli_profile import CLIProfileCredentialsProvider

        return CredentialClient(provider=CLIProfileCredentialsProvider(profile_name=profile))
    from alibabacloud_credentials.provider.profile import ProfileCredentialsProvider

    return CredentialClient(provider=ProfileCredentialsProvider(profile_name=profile))


def _default_client():
    from alibabacloud_credentials.client import Client as CredentialClient

    return CredentialClient()
