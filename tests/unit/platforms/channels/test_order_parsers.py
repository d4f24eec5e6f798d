"""The Channels order and after-sale parsers on answers shaped as the official examples show them (ids as numbers
or strings, a shipped parcel, an after-sale list), and on broken answers."""

from datetime import UTC, datetime

import pytest

from channels_sync.platforms.channels.orders import delivery_entry, parse_aftersale, parse_order
from channels_sync.platforms.errors import ProtocolError
from channels_sync.platforms.order_types import AfterSaleKind, OrderStage, ParcelItem, RemoteParcel

# getorder's example, trimmed; product_id and sku_id as the example writes them (strings), order_id a number.
ORDER = {
    "order_id": 37423523451235145,
    "status": 21,
    "create_time": 1658505600,
    "update_time": 1658509200,
    "openid": "OPENID",
    "order_detail": {
        "product_infos": [
            {
                "product_id": "234245",
                "sku_id": "23424",
                "sku_cnt": 10,
                "on_aftersale_sku_cnt": 1,
                "finish_aftersale_sku_cnt": 2,
                "title": "健身环",
                "thumb_img": "https://mmecimage.cn/p/x",
                "sale_price": 2000,
                "out_sku_id": "RING-1",
            }
        ],
        "pay_info": {"pay_time": 1658505700, "transaction_id": "131456479687"},
        "price_info": {"product_price": 20000, "order_price": 20500, "freight": 500},
        "delivery_info": {
            "address_info": {
                "user_name": "陈先生",
                "province_name": "广东",
                "city_name": "广州",
                "county_name": "海珠区",
                "detail_info": "大塘",
                "tel_number": "24534252",
            },
            "delivery_product_info": [
                {
                    "waybill_id": "134654612313",
                    "delivery_id": "STO",
                    "delivery_time": 1658509200,
                    "deliver_type": 1,
                    "product_infos": [{"product_id": "234245", "sku_id": "23424", "product_cnt": 3}],
                }
            ],
        },
    },
    "aftersale_detail": {"aftersale_order_list": [{"aftersale_order_id": "1934164653012121"}]},
}


def test_an_order_as_the_example_shows_it():
    order = parse_order(ORDER)

    assert (order.remote_order_id, order.status, order.stage) == ("37423523451235145", 21, OrderStage.PARTLY_SHIPPED)
    assert (order.total_price, order.express_price, order.trans_id) == (20500, 500, "131456479687")
    assert order.created_at == datetime.fromtimestamp(1658505600, tz=UTC)
    assert order.paid_at == datetime.fromtimestamp(1658505700, tz=UTC)
    assert (order.receiver_name, order.receiver_zone, order.receiver_address) == ("陈先生", "海珠区", "大塘")
    (item,) = order.items
    assert (item.remote_product_id, item.remote_sku_key, item.count) == ("234245", "23424", 10)
    assert (item.delivered_count, item.refunded_count, item.out_sku_id) == (3, 2, "RING-1")
    assert order.parcels == (
        RemoteParcel(
            company="STO",
            track_no="134654612313",
            items=(ParcelItem("234245", "23424", 3),),
            shipped_at=datetime.fromtimestamp(1658509200, tz=UTC),
        ),
    )
    assert (order.delivery_company, order.delivery_track_no) == ("STO", "134654612313")
    assert order.remote_aftersale_ids == ("1934164653012121",)


def test_an_unpaid_order_without_blocks_reads_as_empty():
    order = parse_order({"order_id": "1", "status": 10})

    assert (order.stage, order.items, order.parcels, order.paid_at) == (OrderStage.UNPAID, (), (), None)


@pytest.mark.parametrize(
    "broken",
    [
        {"status": 20},
        {"order_id": "0", "status": 20},
        {"order_id": "1", "status": "20"},
        {"order_id": "1", "status": 20, "order_detail": {"product_infos": ["x"]}},
        {"order_id": "1", "status": 20, "order_detail": {"product_infos": [{"product_id": "2"}]}},
    ],
)
def test_a_broken_order_is_a_protocol_error(broken):
    with pytest.raises(ProtocolError):
        parse_order(broken)


def test_an_unknown_status_is_kept_with_an_unknown_stage():
    assert parse_order({"order_id": "1", "status": 40}).stage == OrderStage.UNKNOWN


def test_an_after_sale():
    after_sale = parse_aftersale(
        {
            "after_sale_order_id": 1934164653012121,
            "order_id": "37423523451235145",
            "status": "MERCHANT_WAIT_RECEIPT",
            "type": "RETURN",
            "product_info": {"product_id": "234245", "sku_id": "23424", "count": 1},
            "refund_info": {"amount": 2000},
            "create_time": 1658505600,
            "update_time": 1658509200,
        }
    )

    assert (after_sale.remote_aftersale_id, after_sale.kind, after_sale.count, after_sale.amount) == (
        "1934164653012121",
        AfterSaleKind.RETURN,
        1,
        2000,
    )
    assert (after_sale.awaiting_merchant, after_sale.refunded, after_sale.closed) == (True, False, False)
    with pytest.raises(ProtocolError):
        parse_aftersale({"after_sale_order_id": "1", "order_id": "2"})


def test_delivery_entries_for_express_and_virtual_parcels():
    pieces = (ParcelItem("234245", "23424", 2),)

    assert delivery_entry(RemoteParcel("SF", "SF1", pieces)) == {
        "deliver_type": 1,
        "delivery_id": "SF",
        "waybill_id": "SF1",
        "product_infos": [{"product_id": "234245", "sku_id": "23424", "product_cnt": 2}],
    }
    assert delivery_entry(RemoteParcel("", "", pieces)) == {
        "deliver_type": 3,
        "product_infos": [{"product_id": "234245", "sku_id": "23424", "product_cnt": 2}],
    }
