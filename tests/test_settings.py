from __future__ import annotations

import stat
from pathlib import Path

import pytest

from saleor_asc_app.settings import SettingsError, load_settings


def test_defaults_run_with_nothing_set(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    assert settings.resolved_database_url == f"sqlite+aiosqlite:///{(tmp_path / 'data' / 'saleor-asc-app.sqlite3')}"
    assert settings.demo_mode
    key = settings.master_key
    path = tmp_path / "data" / "secret_key"
    assert len(key) >= 32 and path.read_bytes().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings(data_dir=tmp_path / "data").master_key == key  # stable across restarts


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("x" * 40)
    (tmp_path / "secret_key").chmod(0o644)
    with pytest.raises(SettingsError, match="chmod 600"):
        _ = load_settings(data_dir=tmp_path).master_key


def test_environment_and_clear_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASC_ALLOWED_SALEOR_URLS", "https://a.example/graphql/, https://*.saleor.cloud/graphql/")
    monkeypatch.setenv("ASC_DATABASE_URL", "postgresql+asyncpg://u:p@db/asc")
    settings = load_settings()
    assert settings.allowed_saleor_urls == ["https://a.example/graphql/", "https://*.saleor.cloud/graphql/"]
    assert not settings.is_sqlite

    monkeypatch.setenv("ASC_DATABASE_URL", "mysql://u:secret-password@db/asc")
    monkeypatch.setenv("ASC_SMTP_PORT", "not-a-port")
    with pytest.raises(SettingsError) as excinfo:
        load_settings()
    message = str(excinfo.value)
    assert "ASC_DATABASE_URL" in message and "ASC_SMTP_PORT" in message
    assert "secret-password" not in message


def test_short_secret_key_and_missing_lwa_secret_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError, match="at least 32"):
        load_settings(secret_key="short")
    with pytest.raises(SettingsError, match="ASC_LWA_CLIENT_SECRET"):
        load_settings(lwa_client_id="amzn1.application-oa2-client.x")
