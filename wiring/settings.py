"""Configuration from the environment (and a `.env` file), validated once at start-up."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every variable of DESIGN §5; secrets stay SecretStr so they never reach a log line."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = "sqlite://cairn.sqlite3"
    port: int = 3000
    host: str = "0.0.0.0"
    public_url: str = "http://localhost:3000"
    log_level: str = "INFO"
    #: A nudge whose moment was missed (a restart, a slow minute) is still sent this late.
    nudges_grace_minutes: int = Field(default=120, ge=1, le=24 * 60)
    #: Where charts and exports are written (the shell prints their paths; chats upload them).
    cairn_files_dir: str = "cairn-files"
    #: How long charts and exports are kept there (their signed links work for 7 days).
    cairn_files_keep_days: int = Field(default=8, ge=1, le=3650)

    slack_signing_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    # Fernet key(s) that encrypt stored Slack tokens (comma-separated: the first encrypts).
    cairn_secret_key: SecretStr | None = None

    microsoft_app_id: str | None = None
    microsoft_app_password: SecretStr | None = None
    microsoft_app_type: str | None = None
    microsoft_app_tenant_id: str | None = None
    teams_enabled: bool = False
    #: Where the Bot Framework's signing keys are published (tests: a local fake).
    teams_openid_metadata_url: str = (
        "https://login.botframework.com/v1/.well-known/openidconfiguration")
    #: Entra ID's authority for the bot's own token (tests: a local fake).
    teams_login_url: str = "https://login.microsoftonline.com"
    #: Proactive Teams messages per second per tenant.
    teams_tenant_rate: float = Field(default=30.0, gt=0, le=1000)

    google_application_credentials: str | None = None
    google_calendar_id: str | None = None
    #: The slug of the one workspace GOOGLE_CALENDAR_ID holds the deadlines of (a calendar only
    #: ever holds one workspace's); unset: the only workspace, the first time there is one.
    google_calendar_tenant: str | None = None
    google_api_url: str | None = None

    #: REST API requests per minute per token.
    api_rate_limit: int = Field(default=600, ge=1, le=1_000_000)
    #: Webhook endpoints may be on loopback/private addresses and use http (tests, on-premise).
    webhooks_allow_private: bool = False

    def safe_database_url(self) -> str:
        """The database URL without its password, for logs."""
        scheme, sep, rest = self.database_url.partition("://")
        if "@" not in rest:
            return self.database_url
        credentials, _, host = rest.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{scheme}{sep}{user}:***@{host}"
