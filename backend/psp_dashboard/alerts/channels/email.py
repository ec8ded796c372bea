"""E-mail over SMTP (SMTP_URL): smtp:// plain or with `?starttls=1`, smtps:// TLS at once;
stdlib smtplib in a thread so the event loop never waits on the mail server."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from psp_dashboard.alerts.channels.base import ChannelTarget, Notice, SendOutcome
from psp_dashboard.config import Settings

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool
    starttls: bool
    user: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpServer:
    parts = urlsplit(url)
    tls = parts.scheme == "smtps"
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
    return SmtpServer(
        host=parts.hostname or "localhost",
        port=parts.port or (465 if tls else 25),
        tls=tls,
        starttls=starttls,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def message(sender: str, to: str, notice: Notice) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, notice.subject
    mail.set_content(notice.text)
    return mail


def _deliver(server: SmtpServer, mail: EmailMessage) -> None:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if server.tls:
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    with smtp:
        if server.starttls:
            smtp.starttls(context=context)
        if server.user:
            smtp.login(server.user, server.password or "")
        smtp.send_message(mail)


async def send(settings: Settings, target: ChannelTarget, notice: Notice) -> SendOutcome:
    if not target.to:
        return SendOutcome(False, "error", "the channel has no address")
    return await send_mail(settings, message(settings.alerts_from, target.to, notice))


async def send_mail(settings: Settings, mail: EmailMessage) -> SendOutcome:
    """Any message through SMTP_URL (the scheduled reports send theirs here too)."""
    if settings.smtp_url is None:
        return SendOutcome(False, "error", "SMTP_URL is not set")
    server = parse_smtp_url(settings.smtp_url.get_secret_value())
    try:
        await asyncio.to_thread(_deliver, server, mail)
    except (OSError, smtplib.SMTPException) as exc:
        # smtplib's messages quote the server's answer, never our password.
        return SendOutcome(False, "error", f"{type(exc).__name__}: {exc}"[:300])
    return SendOutcome(True, "sent")
