"""What an order line holds of the local stock (``channels_sync/order_stock.py``): the change from what it held is
0 when an order is seen again, the sold pieces when it is paid, and they come back once when it is cancelled or
refunded."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from channels_sync.engine.order_stock import LineChange, held_pieces, line_changes
from channels_sync.platforms.order_types import OrderStage, RemoteOrder, RemoteOrderItem

PAID_AT = datetime(2026, 12, 1, tzinfo=UTC)


def item(count=3, refunded=0, sku="sku-1"):
    return RemoteOrderItem(
        remote_product_id="p-1",
        remote_sku_key=sku,
        product_name="T恤",
        price=5900,
        count=count,
        image_url="",
        refunded_count=refunded,
    )


def order(*items, stage=OrderStage.AWAITING_SHIPMENT):
    return RemoteOrder(
        remote_order_id="37000000000000000001",
        status=20,
        total_price=0,
        express_price=0,
        created_at=None,
        buyer_openid="",
        buyer_nick="",
        receiver_name="",
        receiver_province="",
        receiver_city="",
        receiver_zone="",
        receiver_address="",
        receiver_mobile="",
        receiver_phone="",
        delivery_company="",
        delivery_track_no="",
        trans_id="",
        items=items,
        raw={},
        stage=stage,
        paid_at=PAID_AT,
    )


@pytest.mark.parametrize(
    ("stage", "refunded", "held"),
    [
        (OrderStage.UNPAID, 0, 0),
        (OrderStage.AWAITING_SHIPMENT, 0, 3),
        (OrderStage.PARTLY_SHIPPED, 1, 2),
        (OrderStage.SHIPPED, 0, 3),
        (OrderStage.COMPLETED, 3, 0),
        (OrderStage.CANCELLED, 0, 0),
        # The legacy store does not say: every order it lists is paid.
        (OrderStage.UNKNOWN, 0, 3),
    ],
)
def test_what_a_line_holds_in_each_stage(stage, refunded, held):
    line = item(refunded=refunded)

    assert held_pieces(order(line, stage=stage), line) == held


def test_a_paid_order_takes_its_pieces_once():
    paid = order(item(count=3), item(count=1, sku="sku-2"))

    first = line_changes(paid, {})
    again = line_changes(paid, {("p-1", "sku-1"): 3, ("p-1", "sku-2"): 1})

    assert first == [LineChange("p-1", "sku-1", -3), LineChange("p-1", "sku-2", -1)]
    assert [change.origin_moved_already for change in first] == [True, True]
    assert again == []


def test_an_unpaid_order_takes_nothing_until_it_is_paid():
    unpaid = order(item(count=2), stage=OrderStage.UNPAID)

    assert line_changes(unpaid, {}) == []
    assert line_changes(replace(unpaid, stage=OrderStage.AWAITING_SHIPMENT), {}) == [LineChange("p-1", "sku-1", -2)]


def test_a_refund_gives_its_pieces_back_once_and_the_shop_of_the_order_gets_them_too():
    refunded = order(item(count=3, refunded=1), stage=OrderStage.SHIPPED)

    back = line_changes(refunded, {("p-1", "sku-1"): 3})
    again = line_changes(refunded, {("p-1", "sku-1"): 2})

    assert back == [LineChange("p-1", "sku-1", 1)]
    # The Channels store keeps the stock of a refund: the order's own shop needs the pieces as a delta too.
    assert back[0].origin_moved_already is False
    assert again == []


def test_a_cancelled_order_gives_back_whatever_it_held():
    cancelled = order(item(count=2), stage=OrderStage.CANCELLED)

    assert line_changes(cancelled, {("p-1", "sku-1"): 2}) == [LineChange("p-1", "sku-1", 2)]
    assert line_changes(cancelled, {}) == []


def test_two_lines_of_one_sku_count_together():
    twice = order(item(count=1), item(count=2))

    assert line_changes(twice, {}) == [LineChange("p-1", "sku-1", -3)]
