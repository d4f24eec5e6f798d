"""Admin login throttling (django-axes): repeated failures lock the user name and address pair out, with a
message in Chinese (or English), until the cool-off time passes or an administrator unlocks it."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shopadmin.models import FailedLogin

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    """Dozens of password checks per test: a fast hasher keeps them quick (the lockout does not depend on it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def merchant(db, fast_hasher):
    return get_user_model().objects.create_user("merchant", password=PASSWORD, is_staff=True)


@pytest.fixture
def limit(settings) -> int:
    return settings.AXES_FAILURE_LIMIT


def log_in(client: Client, username: str, password: str, address: str = ATTACKER, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **extra,
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(client: Client, times: int, username: str = "merchant", address: str = ATTACKER, **extra) -> list[int]:
    return [log_in(client, username, "wrong-password", address, **extra).status_code for _ in range(times)]


def test_the_right_password_after_repeated_failures_is_refused_in_chinese(client, merchant, limit):
    # Given as many wrong passwords as the limit allows
    statuses = fail(client, limit)

    # When the right password follows
    response = log_in(client, "merchant", PASSWORD)

    # Then the login is locked: the failures were answered with the login form, the last with the lockout
    assert statuses == [200] * (limit - 1) + [429]
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多，此登录已锁定 30 分钟。请稍后再试，或联系管理员解锁。" in page
    assert not logged_in(client)


def test_the_lockout_page_is_in_english_for_an_english_browser(client, merchant, limit):
    fail(client, limit, HTTP_ACCEPT_LANGUAGE="en")

    response = log_in(client, "merchant", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    assert (
        "Too many failed login attempts: this login is locked for 30 minutes. Try again later, "
        "or ask an administrator to unlock it." in response.content.decode()
    )


def test_fifty_wrong_passwords_never_let_the_right_one_in(client, merchant):
    statuses = fail(client, 50)

    response = log_in(client, "merchant", PASSWORD)

    assert set(statuses[5:]) == {429}
    assert response.status_code == 429
    assert not logged_in(client)
    assert AccessAttempt.objects.get().failures_since_start == 51


def test_the_same_user_from_another_address_is_not_locked_out(client, merchant, limit):
    fail(client, limit, address=ATTACKER)

    response = log_in(Client(), "merchant", PASSWORD, address=OWNER)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_another_user_from_the_same_address_is_not_locked_out(client, merchant, limit):
    get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)
    fail(client, limit, username="merchant")

    response = log_in(Client(), "clerk", PASSWORD, address=ATTACKER)

    assert response.status_code == 302


def test_failures_below_the_limit_are_forgotten_after_a_successful_login(client, merchant, limit):
    fail(client, limit - 1)
    assert log_in(client, "merchant", PASSWORD).status_code == 302
    client.logout()

    statuses = fail(Client(), limit - 1)

    assert statuses == [200] * (limit - 1)
    assert log_in(Client(), "merchant", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off_time(client, merchant, limit, settings):
    fail(client, limit)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))

    response = log_in(client, "merchant", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


# --- The administrator's view and unlock -------------------------------------------------------------------


def test_a_superuser_sees_the_locked_login_in_chinese(admin_client, merchant, limit):
    fail(Client(), limit)

    response = admin_client.get(reverse("admin:shopadmin_failedlogin_changelist"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "登录失败记录" in page
    assert ATTACKER in page
    assert "锁定至" in page
    assert "解锁所选登录" in page
    assert "delete_selected" not in page


def test_a_superuser_unlocks_a_login_and_the_right_password_works_again(admin_client, admin_user, merchant, limit):
    # Given a locked-out pair, with failures recorded from two browsers
    fail(Client(), limit - 1)
    fail(Client(), 1, HTTP_USER_AGENT="Other browser")
    assert log_in(Client(), "merchant", PASSWORD).status_code == 429
    attempt = FailedLogin.objects.filter(user_agent="Other browser").get()

    # When a superuser unlocks one of its records
    response = admin_client.post(
        reverse("admin:shopadmin_failedlogin_changelist"),
        {"action": "unlock", "_selected_action": [attempt.pk]},
        follow=True,
    )

    # Then the pair is unlocked (every record of it is gone), the deletion logged, and the right password works
    assert "已解锁 1 个登录。" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert LogEntry.objects.get(action_flag=DELETION).user_id == admin_user.pk
    response = log_in(Client(), "merchant", PASSWORD)
    assert response.status_code == 302


def test_unlocking_one_pair_leaves_the_others_locked(admin_client, merchant, limit):
    fail(Client(), limit, address=ATTACKER)
    fail(Client(), limit, address=OWNER)
    attempt = FailedLogin.objects.get(ip_address=ATTACKER)

    admin_client.post(
        reverse("admin:shopadmin_failedlogin_changelist"), {"action": "unlock", "_selected_action": [attempt.pk]}
    )

    assert log_in(Client(), "merchant", PASSWORD, address=ATTACKER).status_code == 302
    assert log_in(Client(), "merchant", PASSWORD, address=OWNER).status_code == 429


def test_staff_without_the_delete_permission_cannot_unlock(client, merchant, limit):
    from django.contrib.auth.models import Permission

    merchant.user_permissions.add(Permission.objects.get(codename="view_failedlogin"))
    fail(Client(), limit, username="someone")
    client.force_login(merchant)

    response = client.get(reverse("admin:shopadmin_failedlogin_changelist"))

    assert response.status_code == 200
    assert "解锁所选登录" not in response.content.decode()


def test_the_admin_never_shows_the_typed_password(admin_client, merchant):
    log_in(Client(), "merchant", "my-secret-guess")
    attempt = FailedLogin.objects.get()

    change_page = admin_client.get(reverse("admin:shopadmin_failedlogin_change", args=[attempt.pk]))

    assert change_page.status_code == 200
    assert "my-secret-guess" not in change_page.content.decode()
    assert "my-secret-guess" not in AccessAttempt.objects.get().post_data


# --- Behind an HTTPS proxy: the client's address from X-Forwarded-For ----------------------------------------


@pytest.fixture
def behind_one_proxy(settings):
    """One nginx in front, appending the client's address to X-Forwarded-For (AXES_IPWARE_PROXY_COUNT=0)."""
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]


PROXY = "10.0.0.2"


def test_behind_a_proxy_clients_are_told_apart_by_their_forwarded_address(client, merchant, limit, behind_one_proxy):
    fail(client, limit, address=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)

    owner = log_in(Client(), "merchant", PASSWORD, address=PROXY, HTTP_X_FORWARDED_FOR=OWNER)
    attacker = log_in(Client(), "merchant", PASSWORD, address=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)

    assert (owner.status_code, attacker.status_code) == (302, 429)
    assert AccessAttempt.objects.get().ip_address == ATTACKER


def test_behind_a_proxy_a_forged_forwarded_address_does_not_escape_the_lockout(
    client, merchant, limit, behind_one_proxy
):
    # The client writes its own X-Forwarded-For; the proxy appends the address it really came from.
    statuses = [
        log_in(Client(), "merchant", "wrong", PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, {ATTACKER}").status_code
        for attempt in range(limit)
    ]

    response = log_in(Client(), "merchant", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.99, {ATTACKER}")

    assert statuses[-1] == 429
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_without_a_declared_proxy_x_forwarded_for_is_ignored(client, merchant, limit):
    statuses = [
        log_in(Client(), "merchant", "wrong", ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(limit)
    ]

    assert statuses[-1] == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


# --- The test client ---------------------------------------------------------------------------------------------


def test_the_test_clients_login_works_when_given_a_request(client, merchant):
    # axes needs the request to know the address: tests that use client.login() pass one (force_login needs none).
    assert client.login(request=HttpRequest(), username="merchant", password=PASSWORD)
    assert logged_in(client)
