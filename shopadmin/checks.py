"""System checks that report missing production configuration.

With DEBUG off the embedded defaults (SQLite, the filesystem broker, the development secret key) are not
acceptable; each missing setting is reported on its own, with the environment variable that sets it.
"""

import os

from django.conf import settings
from django.core.checks import Error, Tags, register

from channels_sync.platforms.hosts import EmulatorOrigin, invalid_entries, parse_api_host


@register(Tags.security, deploy=False)
def check_production_settings(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    if settings.SECRET_KEY == settings.INSECURE_DEV_SECRET_KEY or len(settings.SECRET_KEY) < 32:
        errors.append(
            Error(
                "SECRET_KEY is not set (or is the development key).",
                hint="Set SECRET_KEY to a random string of at least 32 characters.",
                id="shopadmin.E001",
            )
        )
    if not os.environ.get("DATABASE_URL"):
        errors.append(
            Error(
                "DATABASE_URL is not set: production would run on the embedded SQLite database.",
                hint="Set DATABASE_URL, e.g. postgres://user:password@host:5432/shopadmin.",
                id="shopadmin.E002",
            )
        )
    if not settings.REDIS_URL:
        errors.append(
            Error(
                "REDIS_URL is not set: production would use the filesystem broker and the database cache.",
                hint="Set REDIS_URL, e.g. redis://host:6379/0.",
                id="shopadmin.E003",
            )
        )
    if not settings.ALLOWED_HOSTS or set(settings.ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "[::1]"}:
        errors.append(
            Error(
                "ALLOWED_HOSTS only names this machine.",
                hint="Set ALLOWED_HOSTS to the host names the admin is served under, comma separated.",
                id="shopadmin.E004",
            )
        )
    if not settings.FIELD_ENCRYPTION_KEY:
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEY is not set: shop app secrets could not be encrypted at rest.",
                hint="Set FIELD_ENCRYPTION_KEY to a Fernet key (python -c 'from cryptography.fernet "
                "import Fernet; print(Fernet.generate_key().decode())').",
                id="shopadmin.E005",
            )
        )
    if settings.SANDBOX_ORIGINS:
        errors.append(
            Error(
                "SANDBOX_ORIGINS is set with DEBUG off: shops could send their app secrets to "
                f"{', '.join(settings.SANDBOX_ORIGINS)}, which is meant for the local emulator only.",
                hint="Unset SANDBOX_ORIGINS in production; shops call their platform's own host over HTTPS.",
                id="shopadmin.E006",
            )
        )
    return errors


@register(Tags.security, deploy=False)
def check_platform_host_settings(app_configs, **kwargs):
    """Entries of the platform host settings that do not parse, which would allow nothing (in any mode)."""
    errors = []
    bad_origins = invalid_entries(settings.SANDBOX_ORIGINS, EmulatorOrigin.parse)
    if bad_origins:
        errors.append(
            Error(
                f"SANDBOX_ORIGINS has entries that are not origins: {', '.join(bad_origins)}.",
                hint="Write each as scheme://host:port, with * for any port, e.g. http://127.0.0.1:8765.",
                id="shopadmin.E007",
            )
        )
    bad_hosts = invalid_entries(settings.OPEN_PLATFORM_ALLOWED_HOSTS, parse_api_host)
    if bad_hosts:
        errors.append(
            Error(
                f"OPEN_PLATFORM_ALLOWED_HOSTS has entries that are not host names: {', '.join(bad_hosts)}.",
                hint="Write each as host or host:port (HTTPS is implied), e.g. open.example.com, comma separated.",
                id="shopadmin.E008",
            )
        )
    return errors
