"""Access tokens (reference §1): cgi-bin/token, cgi-bin/stable_token, their errors, grace, expiry and isolation."""

import pytest

from sandbox.core.apps import AppRegistry, parse_apps_spec
from tests.unit.sandbox.client import DEMO_APP, TEST_APP
from tests.unit.sandbox.wechat_store.builders import uniform_body

TOKEN_URL = "/cgi-bin/token"
STABLE_URL = "/cgi-bin/stable_token"
GOOD = {"grant_type": "client_credential", "appid": DEMO_APP[0], "secret": DEMO_APP[1]}


def _token(api, **params):
    return api.session.get(api.url(TOKEN_URL), params=params, timeout=10).json()


def _stable(api, **body):
    return api.session.post(api.url(STABLE_URL), json=body, timeout=10).json()


def _getsub(api, token):
    return api.post("/merchant/category/getsub", {"cate_id": 1}, token=token)


def test_token_is_issued_for_two_hours_and_authenticates_calls(api):
    answer = _token(api, **GOOD)

    assert set(answer) == {"access_token", "expires_in"}
    assert answer["expires_in"] == 7200
    assert len(answer["access_token"]) == 136
    assert _getsub(api, answer["access_token"])["errcode"] == 0


@pytest.mark.parametrize(
    ("params", "errcode", "errmsg"),
    [
        ({"grant_type": "client_credential", "secret": DEMO_APP[1]}, 41002, "appid missing"),
        ({"grant_type": "client_credential", "appid": DEMO_APP[0]}, 41004, "appsecret missing"),
        ({**GOOD, "grant_type": "authorization_code"}, 40002, "invalid grant_type"),
        ({**GOOD, "appid": "wx_nobody"}, 40013, "invalid appid"),
        ({**GOOD, "secret": "wrong-secret"}, 40125, "invalid appsecret"),
    ],
)
def test_token_rejects_bad_credentials(api, params, errcode, errmsg):
    assert _token(api, **params) == {"errcode": errcode, "errmsg": errmsg}


def test_stable_token_rejects_a_form_body_as_appid_missing(api):
    response = api.session.post(api.url(STABLE_URL), data=GOOD, timeout=10)

    assert response.json() == {"errcode": 41002, "errmsg": "appid missing"}


def test_stable_token_requires_post(api):
    response = api.session.get(api.url(STABLE_URL), params=GOOD, timeout=10)

    assert response.json() == {"errcode": 43002, "errmsg": "require POST method"}


def test_stable_token_checks_credentials_like_token(api):
    assert _stable(api, **{**GOOD, "secret": "nope"}) == {"errcode": 40125, "errmsg": "invalid appsecret"}
    assert _stable(api, **{**GOOD, "appid": "wx_nobody"}) == {"errcode": 40013, "errmsg": "invalid appid"}
    assert _stable(api, **{**GOOD, "force_refresh": "yes"}) == {
        "errcode": 40097,
        "errmsg": "invalid args: force_refresh must be a boolean",
    }


def test_stable_token_normal_mode_returns_the_current_token_with_the_seconds_left(api):
    first = _stable(api, **GOOD)
    api.control("POST", "clock", {"advance_seconds": 1000})

    again = _stable(api, **GOOD, force_refresh=False)

    assert first["expires_in"] == 7200
    assert again == {"access_token": first["access_token"], "expires_in": 6200}


def test_stable_token_is_renewed_in_its_last_five_minutes_and_the_old_one_lives_on(api):
    first = _stable(api, **GOOD)["access_token"]
    api.control("POST", "clock", {"advance_seconds": 6950})

    renewed = _stable(api, **GOOD)

    assert renewed["access_token"] != first
    assert renewed["expires_in"] == 7200
    assert _getsub(api, first)["errcode"] == 0


def test_stable_token_force_refresh_invalidates_the_current_token(api):
    old = _stable(api, **GOOD)["access_token"]

    new = _stable(api, **GOOD, force_refresh=True)

    assert new["access_token"] != old
    assert new["expires_in"] == 7200
    assert _getsub(api, old) == {
        "errcode": 40001,
        "errmsg": "invalid credential, access_token is invalid or not latest",
    }
    assert _getsub(api, new["access_token"])["errcode"] == 0


def test_a_fresh_token_leaves_the_previous_one_valid_for_the_grace_period(api):
    old = _token(api, **GOOD)["access_token"]
    new = _token(api, **GOOD)["access_token"]

    assert _getsub(api, old)["errcode"] == 0
    api.control("POST", "clock", {"advance_seconds": 300})
    assert _getsub(api, old)["errcode"] == 40001
    assert _getsub(api, new)["errcode"] == 0


def test_grace_zero_invalidates_the_previous_token_at_once(api):
    api.control("POST", "config", {"token_grace_seconds": 0})
    old = _token(api, **GOOD)["access_token"]

    _token(api, **GOOD)

    assert _getsub(api, old)["errcode"] == 40001


def test_stable_and_basic_tokens_do_not_affect_each_other(api):
    api.control("POST", "config", {"token_grace_seconds": 0})
    stable = _stable(api, **GOOD)["access_token"]
    basic = _token(api, **GOOD)["access_token"]

    _token(api, **GOOD)  # supersedes the basic token only
    refreshed = _stable(api, **GOOD, force_refresh=True)["access_token"]  # revokes the stable token only
    newest_basic = _token(api, **GOOD)["access_token"]

    assert _getsub(api, stable)["errcode"] == 40001
    assert _getsub(api, refreshed)["errcode"] == 0
    assert _getsub(api, basic)["errcode"] == 40001
    assert _getsub(api, newest_basic)["errcode"] == 0


def test_calls_report_missing_unknown_and_expired_tokens(api):
    token = api.fetch_token()

    missing = api.session.post(api.url("/merchant/category/getsub"), json={"cate_id": 1}, timeout=10).json()
    unknown = _getsub(api, "not-a-token")
    api.control("POST", "clock", {"advance_seconds": 7200})
    expired = _getsub(api, token)

    assert missing == {"errcode": 41001, "errmsg": "access_token missing"}
    assert unknown == {"errcode": 40014, "errmsg": "invalid access_token"}
    assert expired == {"errcode": 42001, "errmsg": "access_token expired"}


def test_each_app_has_its_own_tokens_and_state(api):
    image = api.upload(appid=DEMO_APP[0])
    product_id = api.create_product(uniform_body([image]), appid=DEMO_APP[0])

    demo = api.post("/merchant/getbystatus", {"status": 0}, appid=DEMO_APP[0])
    other = api.post("/merchant/getbystatus", {"status": 0}, appid=TEST_APP[0])
    foreign_get = api.post("/merchant/get", {"product_id": product_id}, appid=TEST_APP[0])

    assert [product["product_id"] for product in demo["products_info"]] == [product_id]
    assert other == {"errcode": 0, "errmsg": "success", "products_info": []}
    assert foreign_get == {"errcode": 40097, "errmsg": f"invalid args: product_id {product_id} does not exist"}


def test_sandbox_apps_adds_apps_and_may_change_a_demo_secret():
    registry = AppRegistry.default(environ={"SANDBOX_APPS": "wx_extra:extra-secret:extra-push, wx_demo_store:rotated"})

    assert registry.ids() == [
        "wx_demo_channels",
        "wx_demo_minishop",
        "wx_demo_store",
        "wx_extra",
        "wx_test_channels",
        "wx_test_minishop",
        "wx_test_store",
    ]
    assert registry.get("wx_extra").secret == "extra-secret"
    assert registry.get("wx_extra").push_token == "extra-push"
    assert registry.get("wx_demo_store").secret == "rotated"
    assert registry.get("wx_test_store").push_token == "sandbox-push-token"


def test_a_malformed_sandbox_apps_item_is_reported_without_its_secret():
    with pytest.raises(ValueError, match="item 2 is") as excinfo:
        parse_apps_spec("wx_a:secret-a,wx_b-without-secret-part")

    assert "secret-a" not in str(excinfo.value)
