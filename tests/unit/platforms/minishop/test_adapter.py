"""MiniShopAdapter against the emulator over HTTP: a 9401001 answer to add is reconciled by out_product_id, a lost
or -1 add is found (or made) exactly once, writes wait while the draft is audited, listing, stock deltas, the
client-side quota, freight templates bound by name and the category import."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from channels_sync.platforms.adapter import BindingState, DependencyPending, ProductPayload, ShopConfig
from channels_sync.platforms.errors import RateLimitedError, RejectedError, SystemBusyError, TransportError
from channels_sync.platforms.minishop.adapter import MiniShopAdapter
from channels_sync.platforms.order_types import OrderStage
from channels_sync.platforms.tokens import clear_token_providers
from products.selectors import FreightTemplateSnapshot
from tests.unit.platforms.channels.builders import freight_template
from tests.unit.platforms.minishop.builders import IMAGE_URLS, TEMPLATE_REMOTE_ID, tshirt

ADD = "/product/spu/add"
# The messages asserted here are the English source strings.
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def adapter(server, token_cache, calls) -> MiniShopAdapter:
    clear_token_providers()
    shop = ShopConfig(
        platform="minishop",
        app_id="wx_demo_minishop",
        app_secret="demo-minishop-secret",
        base_url=server.url,
        shop_id=7,
    )
    yield MiniShopAdapter(shop, on_call=calls.append, cache=token_cache)
    clear_token_providers()


def _payload(adapter, snapshot=None, *, binding=None, remote=None) -> ProductPayload:
    return adapter.product_payload(
        snapshot=snapshot or tshirt(),
        image_urls=IMAGE_URLS,
        freight_template_remote_id=TEMPLATE_REMOTE_ID,
        binding=binding,
        remote=remote,
    )


def _products(control) -> list[dict]:
    return control.control("GET", "state", params={"appid": "wx_demo_minishop"})["minishop"]["products"]


def test_a_9401001_answer_to_add_returns_the_existing_product_brought_up_to_date(adapter, control):
    first = adapter.product_create(payload=_payload(adapter), snapshot=tshirt())
    changed = tshirt(title="纯棉圆领短袖T恤 女款 重发")

    again = adapter.product_create(payload=_payload(adapter, changed), snapshot=changed)

    assert again == first == "23423523452345235"
    endpoints = [e["endpoint"] for e in control.applied()]
    assert (endpoints.count(ADD), endpoints.count("/product/spu/update")) == (1, 1)
    (product,) = _products(control)
    assert product["edit_spu"]["title"] == "纯棉圆领短袖T恤 女款 重发"


def test_a_9401001_reconciliation_keeps_the_shops_stock_of_known_skus(adapter, control, calls):
    first = adapter.product_create(payload=_payload(adapter), snapshot=tshirt())
    keys = adapter.remote_sku_keys(snapshot=tshirt(), remote=adapter.product_get(remote_id=first))
    # Sales in the shop since the add: 40 -> 36 on the white M.
    adapter.stock_change(remote_id=first, sku_key=keys[11], delta=-4)

    again = adapter.product_create(payload=_payload(adapter), snapshot=tshirt())

    assert again == first
    (update,) = calls.to("/product/spu/update")
    assert update.request["product_id"] == 23423523452345235
    assert [(s["out_sku_id"], s["stock_num"]) for s in update.request["skus"]] == [
        ("TS-WH-M", 36),
        ("1-12", 50),
        ("TS-BK-M", 0),
    ]
    assert adapter.stock_read_all(remote_id=first) == {keys[11]: 36, keys[12]: 50, keys[13]: 0}


def test_minus_1_then_success_creates_exactly_one_product(adapter, control):
    control.control("POST", "faults", {"errcode_minus_one_next": 1, "paths": [ADD]})
    payload = _payload(adapter)

    with pytest.raises(SystemBusyError) as busy:
        adapter.product_create(payload=payload, snapshot=tshirt())
    # The engine reconciles before a retry: nothing was made, so it creates.
    found = adapter.product_find(payload=payload, snapshot=tshirt())
    created = adapter.product_create(payload=payload, snapshot=tshirt())

    assert busy.value.outcome_unknown is True
    assert found is None
    assert created == "23423523452345235"
    assert len(_products(control)) == 1


def test_a_lost_add_answer_is_found_by_out_product_id(adapter, control):
    control.control("POST", "faults", {"drop_response_next": 1, "paths": [ADD]})
    payload = _payload(adapter)

    with pytest.raises(TransportError):
        adapter.product_create(payload=payload, snapshot=tshirt())
    found = adapter.product_find(payload=payload, snapshot=tshirt())

    assert found == "23423523452345235"
    assert len(_products(control)) == 1


def test_writes_wait_while_the_draft_is_audited_and_listing_does_not_resubmit(adapter, control, audit_delay, calls):
    product_id = adapter.product_create(payload=_payload(adapter), snapshot=tshirt())
    adapter.product_set_listed(remote_id=product_id, listed=True)
    remote = adapter.product_get(remote_id=product_id)
    binding = BindingState(remote_id=product_id, listed_once=False, last_pushed_payload=None)

    with pytest.raises(DependencyPending) as payload_waits:
        _payload(adapter, binding=binding, remote=remote)
    with pytest.raises(DependencyPending):
        adapter.product_update(remote_id=product_id, payload=_payload(adapter))
    with pytest.raises(DependencyPending):
        adapter.product_delete(remote_id=product_id)
    adapter.product_set_listed(remote_id=product_id, listed=True)

    assert (remote.status, remote.edit_status, remote.listed) == ("initial", "auditing", False)
    assert payload_waits.value.reason == "Waiting for the shop to finish auditing the product."
    assert len(calls.to("/product/spu/listing")) == 1


def test_an_approved_listing_reads_back_as_listed_with_both_copies(adapter, control, audit_delay):
    product_id = adapter.product_create(payload=_payload(adapter), snapshot=tshirt())
    adapter.product_set_listed(remote_id=product_id, listed=True)
    control.control("POST", "clock", {"advance_seconds": 61})

    remote = adapter.product_get(remote_id=product_id)
    keys = adapter.remote_sku_keys(snapshot=tshirt(), remote=remote)

    assert (remote.status, remote.edit_status, remote.listed) == ("listed", "approved", True)
    assert remote.online["title"] == remote.draft["title"] == "纯棉圆领短袖T恤 女款 宽松百搭"
    assert set(keys) == {11, 12, 13}
    assert remote.stock_by_sku_key == {keys[11]: 40, keys[12]: 50, keys[13]: 0}


def test_an_update_of_a_listed_product_is_submitted_again(adapter, control, audit_delay):
    product_id = adapter.product_create(payload=_payload(adapter), snapshot=tshirt())
    adapter.product_set_listed(remote_id=product_id, listed=True)
    control.control("POST", "clock", {"advance_seconds": 61})
    binding = BindingState(remote_id=product_id, listed_once=True, last_pushed_payload=None)
    changed = tshirt(title="纯棉圆领短袖T恤 女款 新款")

    update = _payload(adapter, changed, binding=binding, remote=adapter.product_get(remote_id=product_id))
    adapter.product_update(remote_id=product_id, payload=update)
    remote = adapter.product_get(remote_id=product_id)

    assert update.body["product_id"] == 23423523452345235
    assert (remote.status, remote.edit_status) == ("listed", "auditing")
    assert remote.online["title"] == "纯棉圆领短袖T恤 女款 宽松百搭"


def test_a_rejected_draft_is_not_listed_again_until_edited(adapter, control, audit_delay):
    control.control(
        "POST", "config", {"minishop_audit": {"next": [{"outcome": "reject", "reject_reason": "主图不清晰"}]}}
    )
    product_id = adapter.product_create(payload=_payload(adapter), snapshot=tshirt())
    adapter.product_set_listed(remote_id=product_id, listed=True)
    control.control("POST", "clock", {"advance_seconds": 61})

    with pytest.raises(RejectedError) as rejected:
        adapter.product_set_listed(remote_id=product_id, listed=True)

    assert rejected.value.errmsg == "The shop's audit rejected the product: 主图不清晰"
    assert adapter.product_get(remote_id=product_id).reason == "主图不清晰"


def test_stock_goes_out_as_type_2_deltas_and_is_read_in_one_call(adapter, control, calls):
    product_id = adapter.product_create(payload=_payload(adapter), snapshot=tshirt())
    keys = adapter.remote_sku_keys(snapshot=tshirt(), remote=adapter.product_get(remote_id=product_id))

    adapter.stock_change(remote_id=product_id, sku_key=keys[11], delta=-4)
    adapter.stock_change(remote_id=product_id, sku_key=keys[12], delta=6)
    stock = adapter.stock_read_all(remote_id=product_id)

    assert stock == {keys[11]: 36, keys[12]: 56, keys[13]: 0}
    assert adapter.stock_read(remote_id=product_id, sku_key=keys[11]) == 36
    assert [call.request["type"] for call in calls.to("/product/stock/update")] == [2, 2]


def test_a_deleted_product_reads_as_missing(adapter):
    product_id = adapter.product_create(payload=_payload(adapter), snapshot=tshirt())

    adapter.product_delete(remote_id=product_id)

    assert adapter.product_get(remote_id=product_id).exists is False


def test_the_quota_holds_writes_back_before_sending(adapter, settings, calls):
    settings.MINISHOP_PRODUCT_WRITES_PER_HOUR = 1
    clear_token_providers()
    limited = MiniShopAdapter(adapter.shop, on_call=calls.append, cache=adapter.cache)
    limited.product_create(payload=_payload(limited), snapshot=tshirt())

    with pytest.raises(RateLimitedError) as raised:
        limited.product_create(payload=_payload(limited), snapshot=tshirt(out_product_id="OTHER"))

    assert raised.value.errcode == 45009
    assert raised.value.retry_after > 0
    assert len(calls.to(ADD)) == 1


def test_a_price_only_update_of_a_listed_product_does_not_use_the_quota(adapter, control, audit_delay):
    product_id = adapter.product_create(payload=_payload(adapter), snapshot=tshirt())
    adapter.product_set_listed(remote_id=product_id, listed=True)
    control.control("POST", "clock", {"advance_seconds": 61})
    binding = BindingState(remote_id=product_id, listed_once=True, last_pushed_payload=None)
    cheaper = tshirt(skus=tuple(replace(s, price=s.price - 1000) for s in tshirt().skus))
    retitled = replace(cheaper, title="纯棉圆领短袖T恤 女款 新款")

    price_only = _payload(adapter, cheaper, binding=binding, remote=adapter.product_get(remote_id=product_id))
    adapter.product_update(remote_id=product_id, payload=price_only)
    after_prices = adapter.write_quota.used()
    control.control("POST", "clock", {"advance_seconds": 61})
    title = _payload(adapter, retitled, binding=binding, remote=adapter.product_get(remote_id=product_id))
    adapter.product_update(remote_id=product_id, payload=title)

    # Only the add, then the title change: the price change was free, as the shop also counts it.
    assert after_prices == {3600: 1, 86400: 1}
    assert adapter.write_quota.used() == {3600: 2, 86400: 2}
    counted = [e["fields"]["counted"] for e in control.applied() if e["endpoint"] == "/product/spu/update"]
    assert counted == [False, True]
    assert [s["sale_price"] for s in adapter.product_get(remote_id=product_id).draft["skus"]] == [4900, 5900, 4900]


def test_a_freight_template_is_bound_by_name_or_refused_with_what_to_do(adapter):
    demo = freight_template(name="默认运费模板（演示）")

    bound = adapter.freight_create(snapshot=demo)
    with pytest.raises(RejectedError) as unknown:
        adapter.freight_create(snapshot=freight_template(name="不存在的模板"))
    with pytest.raises(RejectedError) as update:
        adapter.freight_update(remote_id=bound, snapshot=demo)

    assert bound == "5190"
    assert unknown.value.errmsg == (
        "The mini-shop API cannot create freight templates: create “不存在的模板” in the mini-shop's own admin, "
        "then run Shops › Import freight templates, which binds templates by name."
    )
    assert update.value.errmsg.startswith("The mini-shop API cannot change freight templates")
    assert [item["name"] for item in adapter.freight_list()] == ["全国包邮", "默认运费模板（演示）", "按重量计费"]
    assert isinstance(demo, FreightTemplateSnapshot)


def test_the_category_import_walks_the_tree_down_to_level_3(adapter, calls):
    imported = adapter.categories_import()

    by_id = {node.remote_id: node for node in imported.categories}
    assert len(imported.categories) == 14
    assert (by_id["6091"].parent_remote_id, by_id["6091"].level, by_id["6091"].is_leaf) == ("6057", 3, True)
    assert (by_id["7231"].parent_remote_id, by_id["7231"].is_leaf) == (None, False)
    # One call for the roots and one per level-1 and level-2 category; leaves are not asked for children.
    assert len(calls.to("/product/category/get")) == 1 + 3 + 4


def test_orders_are_pulled_and_shipped_whole_by_set_delivery(adapter, control, audit_delay):
    product_id = adapter.product_create(payload=_payload(adapter), snapshot=tshirt())
    adapter.product_set_listed(remote_id=product_id, listed=True)
    control.control("POST", "clock", {"advance_seconds": 61})
    (product,) = _products(control)
    sku_id = product["spu"]["skus"][0]["sku_id"]
    body = {"appid": "wx_demo_minishop", "product_id": int(product_id), "sku_id": sku_id, "count": 2}
    order_id = str(control.control("POST", "minishop/orders/generate", body)["order"]["order_id"])
    now = datetime.fromtimestamp(control.control("GET", "clock")["now"], tz=UTC)

    pulled = adapter.orders_pull(since=now - timedelta(days=1), until=now + timedelta(minutes=1))
    adapter.order_set_delivery(
        remote_order_id=order_id, need_delivery=True, company="SF", track_no="SF7", is_others=False
    )
    shipped = adapter.order_get(remote_order_id=order_id)

    assert [(order.remote_order_id, order.stage) for order in pulled] == [(order_id, OrderStage.AWAITING_SHIPMENT)]
    assert (shipped.stage, shipped.delivery_company, shipped.delivery_track_no) == (OrderStage.SHIPPED, "SF", "SF7")
    assert shipped.items[0].delivered_count == 2
    with pytest.raises(RejectedError, match="The mini-shop ships by express only."):
        adapter.order_set_delivery(
            remote_order_id=order_id, need_delivery=False, company="", track_no="", is_others=False
        )
