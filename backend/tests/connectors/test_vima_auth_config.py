"""VIMA_AUTH / VIMA_USERNAME / VIMA_PASSWORD: parsed, selected, and never shown."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from psp_dashboard.config import ConfigError, load_settings
from psp_dashboard.sync.connectors.vima.auth import VimaBasicAuth
from psp_dashboard.sync.sources import SourceNotConfigured, endpoints_from_settings, vima_connector

URL = "https://payment.example.test/collector1/api/v1"
PASSWORD = "correct-horse-battery"


def test_basic_auth_is_selected_by_configuration_and_hidden() -> None:
    settings = load_settings(
        _env_file=None,
        vima_base_url=URL,
        vima_auth="basic",
        vima_username="collector-7",
        vima_password=PASSWORD,
        vima_api_key="master-0123456789abcdef0123456789abcdef",
    )
    endpoints = endpoints_from_settings(settings)
    credentials = endpoints.vima_credentials()
    assert isinstance(credentials, VimaBasicAuth)
    assert credentials.header() == "Basic Y29sbGVjdG9yLTc6Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5"
    shown = repr(settings) + str(settings.model_dump()) + repr(endpoints)
    shown += repr(vima_connector(settings, endpoints))
    assert PASSWORD not in shown and "collector-7" not in shown


def test_api_key_stays_the_default() -> None:
    settings = load_settings(_env_file=None, vima_base_url=URL, vima_api_key="master-abc")
    credentials = endpoints_from_settings(settings).vima_credentials()
    assert isinstance(credentials, SecretStr)
    assert credentials.get_secret_value() == "master-abc"


@pytest.mark.parametrize("missing", ["vima_username", "vima_password"])
def test_basic_without_both_halves_is_not_configured(missing: str) -> None:
    given = {"vima_username": "collector-7", "vima_password": PASSWORD, missing: ""}
    settings = load_settings(_env_file=None, vima_base_url=URL, vima_auth="basic", **given)
    endpoints = endpoints_from_settings(settings)
    assert not endpoints.configured("vima")
    with pytest.raises(SourceNotConfigured, match="VIMA_USERNAME and VIMA_PASSWORD"):
        vima_connector(settings, endpoints)


def test_unknown_auth_method_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="VIMA_AUTH"):
        load_settings(_env_file=None, vima_auth="oauth")
