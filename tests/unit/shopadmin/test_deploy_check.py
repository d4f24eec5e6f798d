"""Production behind an HTTPS proxy: ``check --deploy`` is clean with the full production environment, the HTTPS
settings come from the environment, and the webhook still works behind the proxy with the HTTPS redirect on."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.urls import reverse

from channels_sync.engine import outbox
from channels_sync.models import PushEvent, Shop, SyncJob
from channels_sync.pushes import push_signature

PROJECT_DIR = Path(settings.BASE_DIR)
# Everything production is configured with (README, "Production configuration"), cleared before each run.
CONFIGURATION = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "FIELD_ENCRYPTION_KEY",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_IPWARE_PROXY_TRUSTED_IPS",
)


def production_environment(var_dir: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURATION}
    env.update(
        DJANGO_SETTINGS_MODULE="shopadmin.settings",
        SHOPADMIN_VAR_DIR=str(var_dir),
        DEBUG="false",
        SECRET_KEY="r7$Jq2!vLx9@Pz4#Wm8^Tk1&Hc6*Bn3(Ys5)Fd0_Ge-Ua+Io=Qw",
        DATABASE_URL="postgres://shopadmin:password@db.internal:5432/shopadmin",
        REDIS_URL="redis://redis.internal:6379/0",
        ALLOWED_HOSTS="admin.example.com",
        CSRF_TRUSTED_ORIGINS="https://admin.example.com",
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
    )
    env.update(overrides)
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_with_the_full_production_environment_prints_no_warning(tmp_path):
    completed = run(production_environment(tmp_path), "manage.py", "check", "--deploy")

    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues (0 silenced)." in completed.stdout


def test_check_deploy_warns_again_when_hsts_is_turned_off(tmp_path):
    # The check itself still sees the settings: turning them off brings its warnings back.
    env = production_environment(tmp_path, SECURE_HSTS_SECONDS="0", SECURE_SSL_REDIRECT="false")

    completed = run(env, "manage.py", "check", "--deploy")

    assert "security.W004" in completed.stderr
    assert "security.W008" in completed.stderr


PRINT_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in [
    "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "AXES_FAILURE_LIMIT", "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_IPWARE_PROXY_TRUSTED_IPS",
]} | {"AXES_COOLOFF_SECONDS": settings.AXES_COOLOFF_TIME.total_seconds()}))
"""


def production_settings(var_dir: Path, **overrides: str) -> dict:
    completed = run(production_environment(var_dir, **overrides), "-c", PRINT_SETTINGS)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_production_defaults_redirect_to_https_and_send_hsts(tmp_path):
    values = production_settings(tmp_path)

    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_REDIRECT_EXEMPT": [],
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "AXES_FAILURE_LIMIT": 5,
        "AXES_IPWARE_PROXY_COUNT": None,
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"],
        "AXES_IPWARE_PROXY_TRUSTED_IPS": None,
        "AXES_COOLOFF_SECONDS": 1800.0,
    }


def test_https_and_proxy_settings_come_from_the_environment(tmp_path):
    values = production_settings(
        tmp_path,
        SECURE_SSL_REDIRECT="false",
        SECURE_REDIRECT_EXEMPT=r"^healthz/$",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        SECURE_HSTS_PRELOAD="false",
        AXES_FAILURE_LIMIT="10",
        AXES_COOLOFF_MINUTES="15",
        AXES_IPWARE_PROXY_COUNT="1",
        AXES_IPWARE_PROXY_TRUSTED_IPS="10.0.0.,192.168.1.10",
    )

    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_REDIRECT_EXEMPT"] == [r"^healthz/$"]
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert (values["SECURE_HSTS_INCLUDE_SUBDOMAINS"], values["SECURE_HSTS_PRELOAD"]) == (False, False)
    assert (values["AXES_FAILURE_LIMIT"], values["AXES_COOLOFF_SECONDS"]) == (10, 900.0)
    assert values["AXES_IPWARE_PROXY_COUNT"] == 1
    # A declared proxy count reads the client's address from X-Forwarded-For.
    assert values["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    assert values["AXES_IPWARE_PROXY_TRUSTED_IPS"] == ["10.0.0.", "192.168.1.10"]


def test_trusted_proxies_alone_read_the_client_address_from_x_forwarded_for(tmp_path):
    values = production_settings(tmp_path, AXES_IPWARE_PROXY_TRUSTED_IPS="10.0.0.0/8")

    assert values["AXES_IPWARE_PROXY_COUNT"] is None
    assert values["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]


# --- The webhook behind the proxy, with the redirect on ----------------------------------------------------------


@pytest.fixture
def behind_the_proxy(settings, monkeypatch):
    """The security settings production runs with (the test client builds its middleware on first use)."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["admin.example.com"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: None)


@pytest.fixture
def shop(db):
    return Shop.objects.create(
        name="演示店", platform="wechat_store", app_id="wx_demo", base_url="http://127.0.0.1:8765", push_token="tok"
    )


def signed_push_url(shop) -> str:
    timestamp = str(int(time.time()))
    query = urlencode({"signature": push_signature("tok", timestamp, "n1"), "timestamp": timestamp, "nonce": "n1"})
    return reverse("channels_sync:push", args=[shop.pk]) + "?" + query


ORDER_PUSH = b"<xml><Event>merchant_order</Event><OrderId>7197417460812584720</OrderId></xml>"


def test_a_push_through_the_https_proxy_is_processed_with_hsts(client, shop, behind_the_proxy):
    response = client.post(
        signed_push_url(shop),
        ORDER_PUSH,
        content_type="text/xml",
        HTTP_HOST="admin.example.com",
        HTTP_X_FORWARDED_PROTO="https",
    )

    assert (response.status_code, response.content) == (200, b"success")
    assert response["Strict-Transport-Security"] == "max-age=3600; includeSubDomains; preload"
    assert SyncJob.objects.get().params == {"remote_order_id": "7197417460812584720"}


def test_a_push_over_plain_http_is_redirected_and_not_processed(client, shop, behind_the_proxy):
    url = signed_push_url(shop)

    response = client.post(url, ORDER_PUSH, content_type="text/xml", HTTP_HOST="admin.example.com")

    assert response.status_code == 301
    assert response["Location"] == f"https://admin.example.com{url}"
    assert not PushEvent.objects.exists()


def test_an_exempt_path_is_served_over_plain_http(client, shop, behind_the_proxy, settings):
    settings.SECURE_REDIRECT_EXEMPT = [r"^channels_sync/push/"]

    response = client.post(signed_push_url(shop), ORDER_PUSH, content_type="text/xml", HTTP_HOST="admin.example.com")

    assert response.status_code == 200
    assert PushEvent.objects.get().event == "merchant_order"


def test_the_admin_login_through_the_proxy_is_served(client, db, behind_the_proxy):
    response = client.get(reverse("admin:login"), HTTP_HOST="admin.example.com", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=3600; includeSubDomains; preload"
