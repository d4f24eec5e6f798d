"""The Tencent Ads adapter against the emulator: upserts in batches of 50, list/delist/delete as statuses, the
hash basis, NEW within the window, and what it needs from the shop's configuration."""

from datetime import UTC, datetime, timedelta

import pytest

from channels_sync.platforms.adapter import BindingState, Capability, ListingRequest, NotSupported, ShopConfig
from channels_sync.platforms.errors import AuthError, PayloadError
from channels_sync.platforms.registry import get_adapter
from channels_sync.platforms.tencent_ads.client import SALESINFOS_ADD_PATH
from channels_sync.platforms.tencent_ads.tokens import clear_ads_token_providers
from tests.unit.platforms.channels.builders import tshirt
from tests.unit.platforms.tencent_ads.builders import DEMO_CLIENT, DEMO_REFRESH_TOKEN, OPTIONS, many_skus

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def shop(server) -> ShopConfig:
    return ShopConfig(
        platform="tencent_ads",
        app_id=DEMO_CLIENT[0],
        app_secret=DEMO_CLIENT[1],
        base_url=server.url,
        shop_id=7,
        options=OPTIONS,
        extra_secret=DEMO_REFRESH_TOKEN,
    )


@pytest.fixture
def adapter(shop, token_cache, calls):
    clear_ads_token_providers()
    built = get_adapter(shop, on_call=calls.append, cache=token_cache)
    built._clock = lambda: NOW
    yield built
    clear_ads_token_providers()


def binding(status="", first=NOW - timedelta(days=30), last=None):
    return BindingState(
        remote_id="9L07:DEMO-TSHIRT-001",
        listed_once=status == "listed",
        last_pushed_payload=last,
        remote_status=status,
        first_published_at=first,
    )


def set_listing(adapter, state: BindingState, *, listed: bool):
    """List or delist as the engine does; the body the adapter reports sent."""
    sent = []

    class Services:
        def snapshot(self):
            return tshirt()

        def changed(self, payload):
            sent.append(payload)

    outcome = adapter.set_listing(ListingRequest(binding=state, listed=listed), Services())
    # No read call: nothing is read back.
    assert outcome.remote_read is None
    [payload] = sent
    return payload


def stored(sandbox):
    return {s["external_sku_id"]: s for s in sandbox.tencent_ads.state("ads_demo_client")["sales_infos"]}


def test_flags_tell_the_engine_how_this_platform_works(adapter):
    # Listing and deleting travel in the body too: the adapter's set_listing and delete send it (no flag needed).
    assert adapter.capabilities == frozenset({Capability.STOCK_IN_PAYLOAD})


def test_create_upserts_every_sku_and_names_the_remote_product(adapter, sandbox, calls):
    snapshot = tshirt()
    payload = adapter.product_payload(
        snapshot=snapshot, image_urls={}, freight_template_remote_id=None, binding=None, remote=None
    )

    remote_id = adapter.product_create(payload=payload, snapshot=snapshot)

    assert remote_id == "9L07:DEMO-TSHIRT-001"
    assert payload.hash_basis == payload.body
    # A first publish is not listed yet, and new within new_sku_days.
    assert {(s["sku_status"], s["stock"]["sku_stock_status"]) for s in stored(sandbox).values()} == {
        ("NEW", "OFF_SALE")
    }
    assert len(calls.to(SALESINFOS_ADD_PATH)) == 1


def test_a_large_product_goes_in_calls_of_fifty(adapter, sandbox, calls):
    snapshot = many_skus(120)
    payload = adapter.product_payload(
        snapshot=snapshot, image_urls={}, freight_template_remote_id=None, binding=binding("listed"), remote=None
    )

    adapter.product_update(remote_id="9L07:DEMO-MANY-001", payload=payload)

    sent = calls.to(SALESINFOS_ADD_PATH)
    applied = sandbox.ctx.applied.query(appid="ads_demo_client", endpoint=SALESINFOS_ADD_PATH)
    assert [len(entry["fields"]["items"]) for entry in applied] == [50, 50, 20]
    assert len({r.query["nonce"] for r in sent}) == 3
    # Big bodies are kept shortened in the attempt record.
    assert sent[0].request["_truncated"] is True
    assert len(stored(sandbox)) == 120
    assert stored(sandbox)["B001"]["stock"]["sku_stock_status"] == "ON_SALE"
    assert stored(sandbox)["B000"]["stock"]["sku_stock_status"] == "OFF_SALE"  # no stock


def test_listing_sends_on_sale_for_skus_in_stock_and_returns_the_body(adapter, sandbox):
    payload = set_listing(adapter, binding("draft"), listed=True)

    assert {k: s["stock"]["sku_stock_status"] for k, s in stored(sandbox).items()} == {
        "TS-WH-M": "ON_SALE",
        "1-12": "ON_SALE",
        "TS-BK-M": "OFF_SALE",
    }
    # The body a later publish builds for the listed product is the same: nothing to send then.
    again = adapter.product_payload(
        snapshot=tshirt(), image_urls={}, freight_template_remote_id=None, binding=binding("listed"), remote=None
    )
    assert again.hash_basis == payload.hash_basis
    assert {s["sku_status"] for s in stored(sandbox).values()} == {"NORMAL"}


def test_delisting_sends_off_sale_for_all(adapter, sandbox):
    set_listing(adapter, binding("listed"), listed=False)

    assert {s["stock"]["sku_stock_status"] for s in stored(sandbox).values()} == {"OFF_SALE"}


def test_delete_stops_every_sku_last_pushed(adapter, sandbox):
    listed = set_listing(adapter, binding("draft"), listed=True)

    adapter.delete(binding("listed", last=listed.body))

    assert {(s["sku_status"], s["stock"]["sku_stock_status"]) for s in stored(sandbox).values()} == {
        ("STOP", "OFF_SALE")
    }


def test_delete_of_a_product_never_pushed_sends_nothing(adapter, calls):
    adapter.delete(binding(last=None))

    assert calls == []


def test_a_lost_answer_is_settled_by_sending_again(adapter):
    payload = adapter.product_payload(
        snapshot=tshirt(), image_urls={}, freight_template_remote_id=None, binding=None, remote=None
    )

    assert adapter.product_find(payload=payload, snapshot=tshirt()) is None


def test_remote_sku_keys_are_the_external_sku_ids(adapter):
    assert adapter.remote_sku_keys(snapshot=tshirt(), remote=None) == {11: "TS-WH-M", 12: "1-12", 13: "TS-BK-M"}


def test_no_refresh_token_is_a_configuration_error_before_any_call(shop, token_cache, calls):
    adapter = get_adapter(ShopConfig(**{**shop.__dict__, "extra_secret": ""}), on_call=calls.append, cache=token_cache)
    payload = adapter.product_payload(
        snapshot=tshirt(), image_urls={}, freight_template_remote_id=None, binding=None, remote=None
    )

    with pytest.raises(AuthError) as error:
        adapter.product_create(payload=payload, snapshot=tshirt())

    assert error.value.config_error is True
    assert calls == []


def test_missing_settings_fail_the_payload(shop, token_cache):
    adapter = get_adapter(ShopConfig(**{**shop.__dict__, "options": {}}), cache=token_cache)

    with pytest.raises(PayloadError):
        adapter.product_payload(
            snapshot=tshirt(), image_urls={}, freight_template_remote_id=None, binding=None, remote=None
        )


def test_sales_info_takes_no_images(adapter, calls):
    assert Capability.IMAGES not in adapter.capabilities
    with pytest.raises(NotSupported):
        adapter.upload_image(filename="abc.jpg", data=b"\xff\xd8", width=1, height=1)
    assert calls == []


def test_the_client_side_quota_holds_back_calls_beyond_the_minute(adapter, calls, monkeypatch):
    from channels_sync.platforms.errors import RateLimitedError
    from channels_sync.platforms.tencent_ads import adapter as adapter_module

    monkeypatch.setattr(adapter_module, "WRITES_PER_MINUTE", 2)
    # One instant for the whole test, so no window boundary falls between the calls.
    monkeypatch.setattr("channels_sync.quotas.time.time", lambda: 1_700_000_010.0)
    payload = adapter.product_payload(
        snapshot=many_skus(120), image_urls={}, freight_template_remote_id=None, binding=None, remote=None
    )

    with pytest.raises(RateLimitedError) as error:
        adapter.product_update(remote_id="r", payload=payload)

    assert len(calls.to(SALESINFOS_ADD_PATH)) == 2
    assert error.value.retry_after == 30.0  # the minute window ends at 1_700_000_040


def test_the_client_side_day_is_the_beijing_day(adapter, calls, monkeypatch):
    from channels_sync.platforms.errors import RateLimitedError
    from channels_sync.platforms.tencent_ads import adapter as adapter_module

    monkeypatch.setattr(adapter_module, "WRITES_PER_DAY", 2)
    # 2025-03-01 15:00:00 UTC is 23:00 in Beijing: the platform's day (and so the quota's) ends in one hour.
    monkeypatch.setattr("channels_sync.quotas.time.time", lambda: 1_740_841_200.0)
    payload = adapter.product_payload(
        snapshot=many_skus(120), image_urls={}, freight_template_remote_id=None, binding=None, remote=None
    )

    with pytest.raises(RateLimitedError) as error:
        adapter.product_update(remote_id="r", payload=payload)

    assert len(calls.to(SALESINFOS_ADD_PATH)) == 2
    assert error.value.retry_after == 3600.0
