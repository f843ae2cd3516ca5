from __future__ import annotations

import logging

import structlog

from saleor_asc_app.logging import REDACTED, configure_logging, get_logger, redact_text


def test_redaction_of_keys_patterns_and_stdlib_records(capsys) -> None:  # type: ignore[no-untyped-def]
    configure_logging("DEBUG")
    log = get_logger("test")
    log.debug(
        "calling amazon",
        refresh_token="Atzr|IwEBIsecret",
        headers={"Authorization": "Bearer eyJabc.def.ghi"},
        buyer_email="jane@example.com",
        amazon_order_id="111-2222222-3333333",
        note="token Atza|IwEBIaccess leaked in text, mail bob@example.org",
    )
    logging.getLogger("some.library").warning("client secret amzn1.oa2-cs.v1.abcdef0123 in a library message")
    err = capsys.readouterr().err
    for secret in ("IwEBIsecret", "eyJabc", "jane@example.com", "IwEBIaccess", "bob@example.org", "abcdef0123"):
        assert secret not in err
    assert "111-2222222-3333333" in err and REDACTED in err
    structlog.reset_defaults()


def test_redact_text_keeps_ordinary_text() -> None:
    assert redact_text("order 111-2222222-3333333 imported") == "order 111-2222222-3333333 imported"


def test_presigned_url_credentials_are_redacted() -> None:
    url = "https://bucket.s3.amazonaws.com/doc?X-Amz-Credential=AKIA123%2Fx&X-Amz-Date=20260101&X-Amz-Signature=abc123"
    redacted = redact_text(url)
    assert "AKIA123" not in redacted and "abc123" not in redacted
    assert "X-Amz-Date=20260101" in redacted and "X-Amz-Signature=" in redacted
