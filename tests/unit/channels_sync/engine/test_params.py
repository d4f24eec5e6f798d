"""Job parameters (``engine/params.py``): one typed dataclass per kind that takes some, written once when the job is
queued and read once when it runs. The JSON keys are the ones jobs always had, so stored jobs still run; a job
whose parameters cannot be read fails saying what is wrong, never with a KeyError in its handler."""

import pytest
from django.contrib.contenttypes.models import ContentType

from channels_sync.engine import outbox
from channels_sync.engine.params import (
    AfterSaleRejectParams,
    JobParamsError,
    OrderPullOneParams,
    OrderSetDeliveryParams,
    job_params_read,
    job_params_to_json,
)
from channels_sync.models import AfterSale, Order, SyncAttempt, SyncJob
from channels_sync.platforms.order_types import AfterSaleKind, RemoteAfterSale
from tests import factories
from tests.unit.channels_sync.engine.handlers.test_orders import channels_order
from tests.unit.channels_sync.fake_platform import FakeAdapter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.mark.parametrize(
    ("kind", "stored", "params"),
    [
        pytest.param(
            SyncJob.Kind.ORDER_PULL_ONE,
            {"remote_order_id": "3705115058471208928"},
            OrderPullOneParams(remote_order_id="3705115058471208928"),
            id="pull-one",
        ),
        pytest.param(
            SyncJob.Kind.ORDER_SET_DELIVERY,
            {"need_delivery": True, "company": "003shunfeng", "track_no": "SF1234567", "is_others": False},
            OrderSetDeliveryParams(need_delivery=True, company="003shunfeng", track_no="SF1234567"),
            id="set-delivery",
        ),
        pytest.param(
            SyncJob.Kind.AFTERSALE_REJECT,
            {"reason_type": 1},
            AfterSaleRejectParams(reason_type=1),
            id="aftersale-reject-without-note",
        ),
    ],
)
def test_stored_params_read_as_their_dataclass_and_write_back_the_same_keys(kind, stored, params):
    assert job_params_read(kind, stored) == params
    assert job_params_to_json(kind, params) == {**params.to_json(), **stored}
    assert set(job_params_to_json(kind, params)) >= set(stored)


def test_kinds_without_params_read_none_and_store_nothing():
    assert job_params_read(SyncJob.Kind.AFTERSALE_ACCEPT, {}) is None
    assert job_params_to_json(SyncJob.Kind.PRODUCT_PUBLISH, None) == {}
    with pytest.raises(TypeError, match="'product_publish' jobs take no parameters"):
        job_params_to_json(SyncJob.Kind.PRODUCT_PUBLISH, {"remote_order_id": "1"})


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ({}, "Missing job parameters: need_delivery."),
        ({"need_delivery": True, "tracking": "SF1"}, "Unknown job parameters: tracking."),
        ({"need_delivery": "yes"}, "The job parameter need_delivery must be of type bool."),
        ({"need_delivery": True, "track_no": 1234}, "The job parameter track_no must be of type str."),
        (["need_delivery"], "The job's parameters are not an object."),
    ],
)
def test_params_that_do_not_read_are_named(stored, message):
    with pytest.raises(JobParamsError) as caught:
        job_params_read(SyncJob.Kind.ORDER_SET_DELIVERY, stored)

    assert str(caught.value) == message


def test_a_bool_is_not_taken_for_an_int():
    with pytest.raises(JobParamsError, match="reason_type must be of type int"):
        job_params_read(SyncJob.Kind.AFTERSALE_REJECT, {"reason_type": True})


def test_enqueue_writes_the_dataclass_and_refuses_params_of_another_kind_or_shape(shop, remote):
    job = outbox.sync_job_enqueue(
        shop=shop, kind=SyncJob.Kind.ORDER_PULL_ONE, params=OrderPullOneParams(remote_order_id="42"), lock_key="o:42"
    )
    assert SyncJob.objects.get(pk=job.pk).params == {"remote_order_id": "42"}

    with pytest.raises(TypeError, match="OrderPullOneParams are not the parameters of 'order_set_delivery' jobs"):
        outbox.sync_job_enqueue(
            shop=shop, kind=SyncJob.Kind.ORDER_SET_DELIVERY, params=OrderPullOneParams(remote_order_id="42")
        )
    with pytest.raises(JobParamsError, match="Unknown job parameters: order."):
        outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.ORDER_PULL_ONE, params={"order": "42"}, lock_key="x")
    assert SyncJob.objects.count() == 1


def test_a_stored_job_whose_params_do_not_read_fails_with_what_is_wrong_and_calls_nothing(shop, remote):
    job = factories.sync_job(shop=shop, kind=SyncJob.Kind.ORDER_PULL_ONE, lock_key="order:1", params={"order": "1"})

    assert outbox.sync_job_execute(job_id=job.pk) == SyncJob.State.FAILED

    job.refresh_from_db()
    assert (job.state, job.attempts, job.last_errmsg) == (
        SyncJob.State.FAILED,
        1,
        "Unknown job parameters: order.",
    )
    assert not SyncAttempt.objects.filter(job=job).exists()


def test_a_job_stored_before_the_dataclasses_runs_with_its_params(shop, remote, monkeypatch):
    asked = []

    def order_get(self, *, remote_order_id):
        asked.append(remote_order_id)
        return channels_order()

    monkeypatch.setattr(FakeAdapter, "order_get", order_get, raising=False)
    job = factories.sync_job(
        shop=shop,
        kind=SyncJob.Kind.ORDER_PULL_ONE,
        lock_key="order:3705115058471208928",
        params={"remote_order_id": "3705115058471208928"},
    )

    assert outbox.sync_job_execute(job_id=job.pk) == SyncJob.State.SUCCEEDED

    assert asked == ["3705115058471208928"]
    assert list(Order.objects.values_list("shop_id", "remote_order_id")) == [(shop.pk, "3705115058471208928")]


def test_an_aftersale_rejection_stored_with_its_reason_code_only_rejects_with_an_empty_note(shop, remote, monkeypatch):
    order = Order.objects.create(shop=shop, remote_order_id="3705115058471208928", status=20)
    after_sale = AfterSale.objects.create(
        order=order, remote_aftersale_id="1934164653012121", kind="refund", status="USER_APPLY", awaiting_merchant=True
    )
    rejected = []
    remote_after_sale = RemoteAfterSale(
        remote_aftersale_id="1934164653012121",
        remote_order_id="3705115058471208928",
        kind=AfterSaleKind.REFUND,
        status="USER_APPLY",
        awaiting_merchant=True,
        refunded=False,
        closed=False,
        remote_product_id="",
        remote_sku_key="",
        count=1,
        amount=5900,
        created_at=None,
        updated_at=None,
        raw={},
    )
    monkeypatch.setattr(FakeAdapter, "aftersale_get", lambda self, *, remote_aftersale_id: remote_after_sale, False)
    monkeypatch.setattr(FakeAdapter, "order_get", lambda self, *, remote_order_id: channels_order(), False)
    monkeypatch.setattr(FakeAdapter, "aftersale_reject", lambda self, **kwargs: rejected.append(kwargs), raising=False)
    # As the admin's reject action has always stored it: the reason code, no note.
    job = factories.sync_job(
        shop=shop,
        kind=SyncJob.Kind.AFTERSALE_REJECT,
        lock_key=f"channels_sync.aftersale:{after_sale.pk}",
        target_type=ContentType.objects.get_for_model(AfterSale),
        target_id=after_sale.pk,
        params={"reason_type": 1},
    )

    assert outbox.sync_job_execute(job_id=job.pk) == SyncJob.State.SUCCEEDED

    assert rejected == [{"remote_aftersale_id": "1934164653012121", "reason_type": 1, "reason": ""}]


def test_parcels_read_as_nested_params_and_a_whole_order_delivery_keeps_its_keys():
    from channels_sync.engine.params import ParcelItemParams, ParcelParams

    stored = {
        "need_delivery": True,
        "parcels": [
            {
                "company": "SF",
                "track_no": "SF100",
                "items": [{"remote_product_id": "10000123", "remote_sku_key": "2334840282", "count": 2}],
            }
        ],
    }

    params = job_params_read(SyncJob.Kind.ORDER_SET_DELIVERY, stored)

    assert params.parcels == (ParcelParams("SF", "SF100", (ParcelItemParams("10000123", "2334840282", 2),)),)
    assert job_params_to_json(SyncJob.Kind.ORDER_SET_DELIVERY, OrderSetDeliveryParams(need_delivery=True)) == {
        "need_delivery": True,
        "company": "",
        "track_no": "",
        "is_others": False,
    }


@pytest.mark.parametrize(
    ("parcels", "message"),
    [
        ("SF100", "The job parameter parcels must be a list."),
        (["SF100"], "The job parameter parcels[0] must be an object."),
        (
            [{"company": "SF", "track_no": "SF100", "items": [{"remote_product_id": "1", "remote_sku_key": "2"}]}],
            "Missing job parameters: count.",
        ),
        (
            [
                {
                    "company": "SF",
                    "track_no": "SF100",
                    "items": [{"remote_product_id": "1", "remote_sku_key": "2", "count": "2"}],
                }
            ],
            "The job parameter count must be of type int.",
        ),
    ],
)
def test_parcels_that_do_not_read_are_named(parcels, message):
    with pytest.raises(JobParamsError) as caught:
        job_params_read(SyncJob.Kind.ORDER_SET_DELIVERY, {"need_delivery": True, "parcels": parcels})

    assert str(caught.value) == message
