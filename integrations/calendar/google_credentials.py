"""The service account key for Google Calendar: loaded, checked, and kept from asking Google's
IAM anything when the API is a server on this machine (the tests' fake)."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlsplit

from google.oauth2 import service_account

SCOPES = ("https://www.googleapis.com/auth/calendar.events",)


class GoogleSetupError(Exception):
    """The service account file is missing or unusable; the message says what to fix."""


def on_this_machine(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host == "localhost" or host.startswith("127.") or host == "::1"


def no_boundary_lookup(credentials: service_account.Credentials) -> None:
    """google-auth looks up a service account's "regional access boundary" at Google's IAM
    (iamcredentials.googleapis.com) in a background thread after each token refresh. Pointed at
    a Calendar API on this machine (the tests' fake) that lookup would still go to the
    internet: a boundary given up front (gcloud's way, kept stable by google-auth for it) that
    stays fresh for good means it is never asked."""
    credentials._set_regional_access_boundary(
        {"encodedLocations": "0x0", "expiry": datetime(9999, 1, 1)})


def load_credentials(path: str) -> service_account.Credentials:
    try:
        credentials: service_account.Credentials = (
            service_account.Credentials.from_service_account_file(path, scopes=SCOPES))
    except FileNotFoundError:
        raise GoogleSetupError(f"GOOGLE_APPLICATION_CREDENTIALS: no file at {path}") from None
    except (ValueError, KeyError, json.JSONDecodeError) as error:
        raise GoogleSetupError(
            f"GOOGLE_APPLICATION_CREDENTIALS: {path} is not a service account key "
            f"({type(error).__name__}: {str(error)[:120]})") from None
    return credentials
