"""Where a shop may point: its platform's own host over HTTPS, or an emulator origin the installation enables.

The model refuses any other base URL, so every form shows a field error and writes nothing; a shop saved before
the rule fails its jobs at once with the reason, without sending anything; changing a shop's base URL or app id
needs its app secret typed again.
"""

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from channels_sync.engine import outbox
from channels_sync.models import Shop, SyncJob
from channels_sync.platforms.tokens import clear_token_providers
from tests.unit.platforms.stubs import Canned, StubServer

pytestmark = pytest.mark.django_db

SECRET = "stored-app-secret-value"
ADD_URL = "admin:channels_sync_shop_add"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: None)


@pytest.fixture
def production(settings):
    """The production policy: no emulator origin."""
    settings.SANDBOX_ORIGINS = []
    return settings


@pytest.fixture
def english(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def stub():
    with StubServer() as server:
        yield server


def _shop(base_url: str = "https://api.weixin.qq.com", **fields) -> Shop:
    shop = Shop(name="微信小店", platform="wechat_store", app_id="wx_shop", base_url=base_url, **fields)
    shop.set_app_secret(SECRET)
    shop.save()
    return shop


def _change_data(shop: Shop, **changes) -> dict:
    data = {
        "name": shop.name,
        "platform": shop.platform,
        "app_id": shop.app_id,
        "app_secret": "",
        "base_url": shop.base_url,
        "push_token": shop.push_token,
        "is_enabled": "on",
    }
    data.update(changes)
    return data


WRONG_HOST = "This platform's API is at https://api.weixin.qq.com, not {}."
ISSUE_EXAMPLES = [
    pytest.param("http://127.0.0.1:5432", WRONG_HOST.format("127.0.0.1:5432"), id="postgres-on-loopback"),
    pytest.param("http://169.254.169.254/latest/meta-data", WRONG_HOST.format("169.254.169.254"), id="metadata"),
    pytest.param("ftp://api.weixin.qq.com/", "Only https:// addresses are allowed, not ftp://.", id="ftp"),
    pytest.param(
        "http://api.weixin.qq.com",
        "Use https://api.weixin.qq.com: the platform's API is only called over HTTPS.",
        id="not-https",
    ),
    pytest.param("https://api.e.qq.com", WRONG_HOST.format("api.e.qq.com"), id="another-platforms-host"),
    pytest.param("http://[::1]:8765", WRONG_HOST.format("[::1]:8765"), id="ipv6-loopback"),
]


@pytest.mark.parametrize(("base_url", "error"), ISSUE_EXAMPLES)
def test_the_shop_form_refuses_an_address_that_is_not_the_platforms_and_writes_nothing(
    admin_client, production, english, base_url, error
):
    data = {"name": "新店", "platform": "wechat_store", "app_id": "wx_new", "app_secret": "s", "base_url": base_url}

    response = admin_client.post(reverse(ADD_URL), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"base_url": [error]}
    assert Shop.objects.count() == 0


def test_the_refusal_is_in_chinese_by_default(admin_client, production):
    data = {"name": "新店", "platform": "wechat_store", "app_id": "wx_new", "app_secret": "s"}

    response = admin_client.post(reverse(ADD_URL), {**data, "base_url": "http://127.0.0.1:5432"})

    assert response.context["adminform"].form.errors == {
        "base_url": ["该平台的 API 地址是 https://api.weixin.qq.com，不是 127.0.0.1:5432。"]
    }


@pytest.mark.parametrize(("base_url", "error"), ISSUE_EXAMPLES)
def test_any_model_form_of_a_shop_refuses_them_too(production, english, base_url, error):
    class ShopForm(forms.ModelForm):
        base_url = forms.URLField(assume_scheme="https")

        class Meta:
            model = Shop
            fields = ["name", "platform", "app_id", "base_url"]

    form = ShopForm({"name": "新店", "platform": "wechat_store", "app_id": "wx_new", "base_url": base_url})

    assert form.errors == {"base_url": [error]}


def test_with_the_emulator_enabled_only_its_origins_are_accepted(admin_client, settings, english):
    settings.SANDBOX_ORIGINS = ["http://127.0.0.1:8765"]
    data = {"platform": "wechat_store", "app_secret": "s"}

    emulator = admin_client.post(
        reverse(ADD_URL), {**data, "name": "模拟器", "app_id": "wx_1", "base_url": "http://127.0.0.1:8765"}
    )
    postgres = admin_client.post(
        reverse(ADD_URL), {**data, "name": "数据库", "app_id": "wx_2", "base_url": "http://127.0.0.1:5432"}
    )

    assert emulator.status_code == 302
    assert postgres.context["adminform"].form.errors == {"base_url": [WRONG_HOST.format("127.0.0.1:5432")]}
    assert list(Shop.objects.values_list("name", "base_url")) == [("模拟器", "http://127.0.0.1:8765")]


def test_changing_the_base_url_without_the_secret_is_refused_and_changes_nothing(admin_client, english):
    shop = _shop()

    response = admin_client.post(
        reverse("admin:channels_sync_shop_change", args=[shop.pk]), _change_data(shop, base_url="http://127.0.0.1:8765")
    )

    assert response.context["adminform"].form.errors == {
        "base_url": ["Type the app secret again to change the API base URL: the secret is sent there."]
    }
    stored = Shop.objects.get(pk=shop.pk)
    assert (stored.base_url, stored.get_app_secret()) == ("https://api.weixin.qq.com", SECRET)


def test_changing_the_app_id_without_the_secret_is_refused_and_changes_nothing(admin_client, english):
    shop = _shop()

    response = admin_client.post(
        reverse("admin:channels_sync_shop_change", args=[shop.pk]), _change_data(shop, app_id="wx_other_account")
    )

    assert response.context["adminform"].form.errors == {"app_id": ["Type the app secret again to change the app id."]}
    assert Shop.objects.get(pk=shop.pk).app_id == "wx_shop"


def test_changing_the_base_url_with_the_secret_typed_again_saves_both(admin_client):
    shop = _shop()

    response = admin_client.post(
        reverse("admin:channels_sync_shop_change", args=[shop.pk]),
        _change_data(shop, base_url="http://127.0.0.1:8765", app_secret="secret-typed-again"),
    )

    assert response.status_code == 302
    stored = Shop.objects.get(pk=shop.pk)
    assert (stored.base_url, stored.get_app_secret()) == ("http://127.0.0.1:8765", "secret-typed-again")


def test_other_changes_keep_the_secret_without_typing_it(admin_client):
    shop = _shop()

    response = admin_client.post(
        reverse("admin:channels_sync_shop_change", args=[shop.pk]),
        _change_data(shop, name="微信小店（主店）", push_token="new-push-token"),
    )

    assert response.status_code == 302
    stored = Shop.objects.get(pk=shop.pk)
    assert (stored.name, stored.push_token, stored.get_app_secret()) == ("微信小店（主店）", "new-push-token", SECRET)


def test_the_secret_rule_holds_for_the_model_itself():
    shop = Shop.objects.get(pk=_shop().pk)
    shop.app_id = "wx_other_account"
    shop.base_url = "http://127.0.0.1:8765"

    with pytest.raises(forms.ValidationError) as caught:
        shop.full_clean()

    with translation.override("en"):
        assert caught.value.message_dict == {
            "app_id": ["Type the app secret again to change the app id."],
            "base_url": ["Type the app secret again to change the API base URL: the secret is sent there."],
        }
    shop.set_app_secret("secret-typed-again")
    shop.full_clean()


def test_the_page_of_a_shop_saved_on_a_refused_address_says_so(admin_client, production, english):
    shop = _shop(base_url="http://169.254.169.254")

    page = admin_client.get(reverse("admin:channels_sync_shop_change", args=[shop.pk]))

    assert [str(message) for message in page.context["messages"]] == [
        "This shop's API base URL is refused, so its jobs fail: "
        "This platform's API is at https://api.weixin.qq.com, not 169.254.169.254."
    ]
    assert SECRET not in page.content.decode()


def test_a_job_of_a_shop_on_a_refused_address_fails_at_once_and_sends_nothing(stub, production, english):
    # Given a shop saved on a loopback address before the rule existed (the model's validation is bypassed)
    clear_token_providers()
    shop = _shop(base_url=stub.url)
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.CATEGORIES_IMPORT)

    # When the worker runs its job
    state = outbox.sync_job_execute(job_id=job.pk)

    # Then it fails for good on its first attempt with the reason, and the stub received no request
    job.refresh_from_db()
    port = stub.url.rsplit(":", 1)[1]
    assert state == SyncJob.State.FAILED
    assert (job.attempts, job.last_errcode, job.outcome_unknown) == (1, None, False)
    assert job.last_errmsg == f"This platform's API is at https://api.weixin.qq.com, not 127.0.0.1:{port}."
    assert stub.received == []
    assert SECRET not in job.last_errmsg


def test_a_redirect_answer_fails_the_job_at_once_unfollowed_and_keeps_its_outcome_unknown(stub, english):
    # Given a shop on the emulator's origin whose server answers the API call with a redirect elsewhere
    clear_token_providers()
    shop = _shop(base_url=stub.url)
    stub.answers += [
        Canned(body=b'{"access_token": "TOKEN-0123456789", "expires_in": 7200}'),
        Canned(status=302, body=b"", headers={"Location": "http://169.254.169.254/latest/meta-data"}),
    ]
    job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.CATEGORIES_IMPORT)

    # When the job runs
    state = outbox.sync_job_execute(job_id=job.pk)

    # Then the redirect was not followed and the job failed on its first attempt, its outcome left unknown so a
    # retry reads the shop before sending anything again
    job.refresh_from_db()
    assert state == SyncJob.State.FAILED
    assert (job.attempts, job.outcome_unknown) == (1, True)
    assert job.last_errmsg == "The answer is a redirect (HTTP 302), which is never followed: check the shop's base URL."
    assert [request.path.split("?")[0] for request in stub.received] == [
        "/cgi-bin/stable_token",
        "/merchant/category/getsub",
    ]
