"""The parcel and reject jobs (``engine/handlers/orders.py``): a parcel job ships exactly its parcels through
``order_ship`` and stores the order read back; repeated after a lost answer it ships nothing when the shop shows
its tracking number already. A reject sends the merchant's reason and keeps it on the after-sale once taken."""

from dataclasses import replace

import pytest

from channels_sync.engine.context import JobContext
from channels_sync.engine.handlers.orders import handle_aftersale_reject, handle_order_set_delivery
from channels_sync.engine.params import job_params_read
from channels_sync.models import AfterSale, Order, SyncJob
from channels_sync.platforms.order_types import AfterSaleKind, OrderStage, ParcelItem, RemoteAfterSale, RemoteParcel
from tests import factories
from tests.unit.channels_sync.engine.handlers.test_orders import channels_order

pytestmark = pytest.mark.django_db

PARCEL = {
    "company": "SF",
    "track_no": "SF100",
    "items": [{"remote_product_id": "10000123", "remote_sku_key": "2334840282", "count": 1}],
}


class FakeAdapter:
    """Answers as a Channels shop would; records the writes."""

    def __init__(self, order, after_sale=None):
        self.order = order
        self.after_sale = after_sale
        self.writes = []

    def order_get(self, *, remote_order_id):
        return self.order

    def order_ship(self, *, remote_order_id, parcels):
        self.writes.append(("ship", remote_order_id, parcels))

    def aftersale_get(self, *, remote_aftersale_id):
        return self.after_sale

    def aftersale_reject(self, *, remote_aftersale_id, reason_type, reason):
        self.writes.append(("reject", remote_aftersale_id, reason_type, reason))


def context(shop, adapter, job):
    """As the outbox builds it: the job's parameters read into their kind's dataclass."""
    params = job_params_read(job.kind, job.params)
    return JobContext(job=job, shop=shop, adapter=adapter, owner="test", enqueue_job=None, params=params)


@pytest.fixture
def shop():
    return factories.shop(name="视频号小店", platform="channels", app_id="wx_c")


def parcel_job(shop, order, *, outcome_unknown=False):
    return SyncJob.objects.create(
        shop=shop,
        kind=SyncJob.Kind.ORDER_SET_DELIVERY,
        target=order,
        params={"need_delivery": True, "parcels": [PARCEL]},
        outcome_unknown=outcome_unknown,
    )


def test_a_parcel_job_ships_its_parcel_and_stores_the_order_partly_shipped(shop):
    order = Order.objects.create(shop=shop, remote_order_id="3705115058471208928", status=20)
    shipped = replace(
        channels_order(count=2, stage=OrderStage.PARTLY_SHIPPED, status=21),
        parcels=(RemoteParcel("SF", "SF100", (ParcelItem("10000123", "2334840282", 1),)),),
    )
    adapter = FakeAdapter(shipped)

    result = handle_order_set_delivery(context(shop, adapter, parcel_job(shop, order)))

    assert adapter.writes == [
        ("ship", "3705115058471208928", (RemoteParcel("SF", "SF100", (ParcelItem("10000123", "2334840282", 1),)),))
    ]
    assert result == {"order": "3705115058471208928", "parcels": 1}
    order.refresh_from_db()
    assert (order.stage, order.status) == (Order.Stage.PARTLY_SHIPPED, 21)


def test_a_parcel_repeated_after_a_lost_answer_ships_nothing_when_its_tracking_number_is_there(shop):
    order = Order.objects.create(shop=shop, remote_order_id="3705115058471208928", status=20)
    shipped = replace(
        channels_order(count=2, stage=OrderStage.PARTLY_SHIPPED, status=21),
        parcels=(RemoteParcel("SF", "SF100", (ParcelItem("10000123", "2334840282", 1),)),),
    )
    adapter = FakeAdapter(shipped)

    result = handle_order_set_delivery(context(shop, adapter, parcel_job(shop, order, outcome_unknown=True)))

    assert adapter.writes == []
    assert result == {"order": "3705115058471208928", "already_applied": True}


def waiting_refund(**fields):
    values = dict(
        remote_aftersale_id="9001",
        remote_order_id="3705115058471208928",
        kind=AfterSaleKind.REFUND,
        status="MERCHANT_PROCESSING",
        awaiting_merchant=True,
        refunded=False,
        closed=False,
        remote_product_id="10000123",
        remote_sku_key="2334840282",
        count=1,
        amount=5900,
        created_at=None,
        updated_at=None,
        raw={},
    )
    return RemoteAfterSale(**{**values, **fields})


def test_a_reject_sends_the_reason_and_keeps_it_on_the_after_sale(shop):
    order = Order.objects.create(shop=shop, remote_order_id="3705115058471208928", status=20)
    after_sale = AfterSale.objects.create(
        order=order, remote_aftersale_id="9001", kind="refund", status="MERCHANT_PROCESSING", awaiting_merchant=True
    )
    job = SyncJob.objects.create(
        shop=shop,
        kind=SyncJob.Kind.AFTERSALE_REJECT,
        target=after_sale,
        params={"reason_type": 6, "reason": "已电话沟通", "reason_label": "买家误操作/已协商取消申请"},
    )
    adapter = FakeAdapter(channels_order(), waiting_refund())

    handle_aftersale_reject(context(shop, adapter, job))

    assert adapter.writes == [("reject", "9001", 6, "已电话沟通")]
    after_sale.refresh_from_db()
    assert (after_sale.reject_reason_type, after_sale.reject_reason_label, after_sale.reject_reason) == (
        6,
        "买家误操作/已协商取消申请",
        "已电话沟通",
    )


def test_a_reject_of_an_after_sale_the_buyer_cancelled_keeps_no_reason(shop):
    order = Order.objects.create(shop=shop, remote_order_id="3705115058471208928", status=20)
    after_sale = AfterSale.objects.create(
        order=order, remote_aftersale_id="9001", kind="refund", status="MERCHANT_PROCESSING", awaiting_merchant=True
    )
    job = SyncJob.objects.create(
        shop=shop, kind=SyncJob.Kind.AFTERSALE_REJECT, target=after_sale, params={"reason_type": 6, "reason": ""}
    )
    cancelled = waiting_refund(status="USER_CANCELD", awaiting_merchant=False, closed=True)
    adapter = FakeAdapter(channels_order(), cancelled)

    handle_aftersale_reject(context(shop, adapter, job))

    assert adapter.writes == []
    after_sale.refresh_from_db()
    assert (after_sale.reject_reason_type, after_sale.reject_reason) == (None, "")
