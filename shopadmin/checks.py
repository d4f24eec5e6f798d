"""System checks that report missing production configuration.

With DEBUG off the embedded defaults (SQLite, the filesystem broker, the development secret key) are not
acceptable; each missing setting is reported on its own, with the environment variable that sets it.
"""

import os

from django.conf import settings
from django.core.checks import Error, Tags, register


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
    return errors
