"""Settings, read once from ``SUMMIT_*`` environment variables."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from pydantic import AwareDatetime, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from summit.agenda.players import PROVIDERS, PlayerPolicy
from summit.mail.transports import parse_mail_url

LANGUAGES = ("en", "fr", "ar")

# Marks a secret that nobody chose; production refuses it.
_GENERATED_PREFIX = "generated-"


def _generated_secret() -> str:
    return _GENERATED_PREFIX + secrets.token_urlsafe(32)


class Settings(BaseSettings):
    """Everything a deployment can change, frozen once read."""

    # Inputs stay out of error messages: the mail URL and the secret key hold secrets.
    model_config = SettingsConfigDict(
        env_prefix="SUMMIT_", frozen=True, extra="forbid", hide_input_in_errors=True
    )

    environment: Literal["development", "production", "test"] = "development"
    """``production`` refuses a generated secret key and demo accounts."""

    database_url: str = "sqlite:///summit.db"
    """SQLAlchemy URL: ``sqlite:///path.db`` or ``postgresql+psycopg://user@host/db``."""

    broker_url: str = "memory://"
    """Live-update broker: ``memory://`` (one process), ``redis://…`` or ``postgresql://…``."""

    secret_key: str = Field(default_factory=_generated_secret)
    """Signs cookies and tokens. A generated one lasts one process: set it in production."""

    base_url: str | None = None
    """The public address (``https://summit.example.org``), used in links that leave the app
    (feeds, exports, invitations, resets). Unset, each request's own address is used (see
    ``summit.web.addresses``)."""

    served_url: str | None = None
    """The address ``summit serve`` listens on, which it sets for its workers. Mail written
    without a request (the schedule's reminders) has no address to take, so it links there
    while ``base_url`` is unset: a demo on another port than 8000 still mails links to itself."""

    default_language: Literal["en", "fr", "ar"] = "en"
    default_timezone: str = "UTC"
    """Shown to a viewer who has not told us their zone and whose browser has not either."""

    allowed_hosts: str = ""
    """Comma-separated host names this app answers to, besides the base URL's host."""

    allowed_origins: str = ""
    """Comma-separated origins (``https://host``) allowed to post forms and open sockets, besides
    the base URL's origin and the request's own."""

    trusted_proxies: str = "127.0.0.1"
    """Comma-separated addresses or networks of reverse proxies whose ``X-Forwarded-For``,
    ``X-Forwarded-Proto`` and ``X-Forwarded-Host`` are believed; ``*`` trusts every peer."""

    rate_limit_url: str = "memory://"
    """Where attempt counters live: ``memory://`` (one process) or ``redis://host:port/db``."""

    session_days: int = Field(default=14, ge=1, le=90)
    """How long a sign-in lasts without activity."""
    presence_seconds: float = Field(default=3.0, ge=0, le=60)
    """How often session pages' viewer counts are updated; 0 turns the counting off."""

    max_sockets_per_client: int = Field(default=100, ge=0)
    """Live sockets one client address may hold open in one process (0: no cap). Further ones
    are closed with 1013 and a reason. Raise it where many people share one address."""

    max_request_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    """Largest request body accepted; larger ones get 413."""

    upload_dir: Path = Path("var/uploads")
    """Where files attached to award submissions are kept, under random names; keep it out of
    the static folder and back it up with the database."""

    max_upload_bytes: int = Field(default=60 * 1024 * 1024, ge=1024)
    """Largest request body accepted by the award submission form (its files included)."""

    mail_url: SecretStr = SecretStr("log:")
    """Where mail goes: ``log:`` (the log; bodies are left out in production),
    ``smtp://user:password@host:587`` (STARTTLS), ``smtps://user:password@host:465`` (TLS
    from the start) or ``smtp://host:25``. Never logged: it may hold a password."""

    mail_from: str = "Summit <summit@localhost>"
    """The sender address of every message, e.g. ``OGP Summit <no-reply@summit.example.org>``."""

    mail_max_attempts: int = Field(default=8, ge=1, le=50)
    """Tries before a message that the server keeps refusing for now (or cannot be reached
    for) is marked failed; an organiser can send it again from the mail page."""

    mail_retry_seconds: float = Field(default=30.0, gt=0, le=3600)
    """The wait after a message's first failed try; each further failure doubles it."""

    mail_poll_seconds: float = Field(default=2.0, gt=0, le=60)
    """How often each process looks for mail queued by others, or due again."""

    log_format: Literal["console", "json"] = "console"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    db_pool_size: int = Field(default=10, ge=1, le=200)

    demo_now_at: AwareDatetime | None = None
    """Runs the app on a demo's clock: the moment (ISO 8601 with its offset) the clock showed
    at ``demo_started_at``, from which it runs forward in real time. Unset: the real clock.
    ``summit demo`` sets it; production refuses it."""

    demo_started_at: AwareDatetime | None = None
    """The real moment at which the demo's clock showed ``demo_now_at``. Every process of one
    server must be given the same (``summit demo`` passes it to its workers); unset, each
    process takes the moment it starts."""

    stream_providers: str = "youtube-nocookie,vimeo"
    """Comma-separated video providers session pages may embed: ``youtube-nocookie`` (any
    YouTube address is played through youtube-nocookie.com), ``vimeo``, ``hls`` (the HLS
    servers of ``hls_origins``). Stream addresses from anywhere else are refused, and the
    Content-Security-Policy frames nothing else."""

    hls_origins: str = ""
    """Comma-separated ``https://host[:port]`` of the servers whose HLS playlists (``.m3u8``)
    session pages may play, with the ``hls`` provider."""

    @field_validator("stream_providers")
    @classmethod
    def _known_providers(cls, value: str) -> str:
        unknown = [name.strip() for name in value.split(",") if name.strip() not in PROVIDERS]
        if [name for name in unknown if name]:
            raise ValueError(f"unknown stream provider(s) {unknown!r}: choose among {PROVIDERS}")
        return value

    @field_validator("hls_origins")
    @classmethod
    def _https_origins(cls, value: str) -> str:
        for origin in (item.strip() for item in value.split(",")):
            parts = urlsplit(origin)
            if origin and (
                parts.scheme != "https"
                or not parts.hostname
                or parts.path.strip("/")
                or parts.query
            ):
                raise ValueError(f"an HLS origin is https://host[:port], not {origin!r}")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(f"unknown time zone {value!r}")
        return value

    @field_validator("mail_url")
    @classmethod
    def _a_mail_address(cls, value: SecretStr) -> SecretStr:
        parse_mail_url(value.get_secret_value())  # its message never repeats the URL
        return value

    @field_validator("base_url", "served_url")
    @classmethod
    def _an_http_address(cls, value: str | None) -> str | None:
        if not value:
            return None  # an empty SUMMIT_BASE_URL means "not set"
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query:
            raise ValueError(
                "the base URL must be an http:// or https:// address, such as "
                "https://summit.example.org"
            )
        return value.rstrip("/")

    @model_validator(mode="after")
    def _production_needs_a_real_secret(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key.startswith(_GENERATED_PREFIX) or len(self.secret_key) < 32
        ):
            raise ValueError(
                "SUMMIT_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production"
            )
        return self

    @model_validator(mode="after")
    def _production_runs_on_the_real_clock(self) -> Settings:
        if self.environment == "production" and self.demo_now_at is not None:
            raise ValueError("SUMMIT_DEMO_NOW_AT is for demos: production runs on the real clock")
        return self

    @property
    def player_policy(self) -> PlayerPolicy:
        """The providers session pages may embed."""
        return PlayerPolicy.parse(self.stream_providers, self.hls_origins)

    @property
    def host_names(self) -> list[str]:
        """Every host name the trusted-host check lets through."""
        base = urlsplit(self.base_url).hostname if self.base_url else None
        extra = [name.strip() for name in self.allowed_hosts.split(",") if name.strip()]
        return sorted({"127.0.0.1", "localhost", *extra} | ({base} if base else set()))

    @property
    def origins(self) -> frozenset[str]:
        """Origins allowed besides the request's own (which is always allowed)."""
        extra = {origin.strip().rstrip("/") for origin in self.allowed_origins.split(",")}
        if self.base_url:
            parts = urlsplit(self.base_url)
            extra.add(f"{parts.scheme}://{parts.netloc}")
        return frozenset(extra - {""})

    @property
    def is_https(self) -> bool:
        return bool(self.base_url and self.base_url.startswith("https://"))

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        raw = self.database_url.split("///", 1)[1]
        return Path(raw) if raw and raw != ":memory:" else None
