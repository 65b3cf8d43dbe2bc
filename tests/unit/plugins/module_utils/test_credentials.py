"""Credential resolution: module options and environment (new names before legacy), profile, default chain."""

import pytest
from ansible.module_utils.basic import env_fallback
from ansible_collections.ha_web.alicloud.plugins.module_utils import credentials
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import COMMON_ARGUMENT_SPEC

ENVIRONMENT = [
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALICLOUD_ACCESS_KEY",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALICLOUD_SECRET_KEY",
    "ALIBABA_CLOUD_REGION_ID",
    "ALICLOUD_REGION",
    "ALIBABA_CLOUD_PROFILE",
    "ALICLOUD_PROFILE",
    "ALIBABA_CLOUD_ENDPOINT_URL",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


def from_environment(option):
    function, names = COMMON_ARGUMENT_SPEC[option]["fallback"]
    assert function is env_fallback
    try:
        return env_fallback(*names)
    except Exception:
        return None


def test_new_environment_names_win_over_legacy(monkeypatch):
    monkeypatch.setenv("ALICLOUD_ACCESS_KEY", "legacy-id")
    assert from_environment("access_key_id") == "legacy-id"
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "new-id")
    assert from_environment("access_key_id") == "new-id"
    monkeypatch.setenv("ALICLOUD_REGION", "cn-beijing")
    assert from_environment("region_id") == "cn-beijing"
    monkeypatch.setenv("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou")
    assert from_environment("region_id") == "cn-hangzhou"
    monkeypatch.setenv("ALIBABA_CLOUD_ENDPOINT_URL", "http://127.0.0.1:18080")
    assert from_environment("endpoint_url") == "http://127.0.0.1:18080"


def test_secrets_are_no_log():
    assert COMMON_ARGUMENT_SPEC["access_key_secret"]["no_log"] is True
    assert COMMON_ARGUMENT_SPEC["security_token"]["no_log"] is True


def test_a_key_pair_comes_first():
    source, config = credentials.resolve({"access_key_id": "ak", "access_key_secret": "sk", "profile": "p"})
    assert source == "access_key"
    assert config == {"access_key_id": "ak", "access_key_secret": "sk", "type": "access_key"}


def test_a_security_token_makes_sts_credentials():
    config = credentials.resolve({"access_key_id": "ak", "access_key_secret": "sk", "security_token": "t"})[1]
    assert config["type"] == "sts" and config["security_token"] == "t"


def test_half_a_key_pair_is_an_error_that_names_the_missing_half():
    with pytest.raises(credentials.CredentialsError, match="access_key_secret is missing"):
        credentials.resolve({"access_key_id": "ak"})
    with pytest.raises(credentials.CredentialsError, match="access_key_id is missing"):
        credentials.resolve({"access_key_secret": "sk"})


def test_a_profile_comes_next(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    source, config = credentials.resolve({"profile": "ops"})
    assert source == "profile:ops"
    provider = config["credential"].cloud_credential.provider
    assert type(provider).__name__ == "ProfileCredentialsProvider"  # no aliyun CLI config: the credentials file
    (tmp_path / ".aliyun").mkdir()
    (tmp_path / ".aliyun" / "config.json").write_text('{"current": "ops", "profiles": []}')
    provider = credentials.resolve({"profile": "ops"})[1]["credential"].cloud_credential.provider
    assert type(provider).__name__ == "CLIProfileCredentialsProvider"


def test_the_default_chain_comes_last():
    source, config = credentials.resolve({})
    assert source == "default_chain"
    assert type(config["credential"]).__name__ == "Client"
