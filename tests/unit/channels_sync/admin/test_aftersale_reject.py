"""Rejecting after-sales from the admin asks for the platform's reason (the shop's own list, those that apply to
the chosen after-sales) and the merchant's explanation, in a small form; the job carries them, and once the
platform took the rejection the after-sale keeps and shows them."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.cache import cache
from django.urls import reverse

from channels_sync.models import AfterSale, Order, SyncJob
from channels_sync.platforms.order_types import AfterSaleKind, RejectReason
from tests import factories

pytestmark = pytest.mark.django_db

REASONS = [
    RejectReason(1, "商品已发货", "亲，商品已经发出。", (AfterSaleKind.REFUND,)),
    RejectReason(2, "未收到退回的商品", "亲，还没有收到。", (AfterSaleKind.RETURN,)),
    RejectReason(6, "买家误操作/已协商取消申请", "亲，已协商取消。", (AfterSaleKind.REFUND, AfterSaleKind.RETURN)),
]
URL = reverse("admin:channels_sync_aftersale_changelist")


@pytest.fixture
def refund():
    shop = factories.shop(name="视频号小店", platform="channels", app_id="wx_c")
    cache.set(f"aftersale-reject-reasons:{shop.pk}", REASONS)
    order = Order.objects.create(shop=shop, remote_order_id="3705", status=20, stage=Order.Stage.AWAITING_SHIPMENT)
    yield AfterSale.objects.create(
        order=order,
        remote_aftersale_id="9001",
        kind=AfterSale.Kind.REFUND,
        status="MERCHANT_PROCESSING",
        awaiting_merchant=True,
        count=1,
    )
    cache.delete(f"aftersale-reject-reasons:{shop.pk}")


def reject(client, item, **fields):
    return client.post(URL, {"action": "reject", ACTION_CHECKBOX_NAME: [item.pk], **fields})


def test_the_form_offers_the_reasons_that_apply_to_a_refund(admin_client, refund):
    page = reject(admin_client, refund).content.decode()

    assert '<option value="1">商品已发货</option>' in page
    assert '<option value="6">买家误操作/已协商取消申请</option>' in page
    assert "未收到退回的商品" not in page
    assert not SyncJob.objects.filter(kind=SyncJob.Kind.AFTERSALE_REJECT).exists()


def test_the_reason_is_required_and_reads_in_chinese(admin_client, refund):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    response = reject(admin_client, refund, apply="1", reason="")

    assert response.context["form"].errors == {"reason_type": ["这个字段是必填项。"]}
    assert not SyncJob.objects.filter(kind=SyncJob.Kind.AFTERSALE_REJECT).exists()


def test_a_reason_of_returns_only_is_refused_for_a_refund(admin_client, english, refund):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = reject(admin_client, refund, apply="1", reason_type="2")

    assert response.context["form"].errors == {
        "reason_type": ["Select a valid choice. 2 is not one of the available choices."]
    }


def test_the_job_carries_the_reason_and_the_explanation(admin_client, refund):
    response = reject(admin_client, refund, apply="1", reason_type="6", reason=" 已电话沟通 ")

    assert response.status_code == 302
    job = SyncJob.objects.get(kind=SyncJob.Kind.AFTERSALE_REJECT)
    assert job.params == {"reason_type": 6, "reason": "已电话沟通", "reason_label": "买家误操作/已协商取消申请"}


def test_the_kept_reason_is_shown_on_the_list(admin_client, refund):
    AfterSale.objects.filter(pk=refund.pk).update(
        reject_reason_type=6, reject_reason_label="买家误操作/已协商取消申请", reject_reason="已电话沟通"
    )

    page = admin_client.get(URL).content.decode()

    assert '<td class="field-reject_reason_label">买家误操作/已协商取消申请</td>' in page


@pytest.mark.parametrize("extra", [0, 4])
def test_the_after_sale_list_reads_the_same_queries_whatever_its_length(
    admin_client, refund, extra, django_assert_num_queries
):
    for index in range(extra):
        AfterSale.objects.create(
            order=refund.order, remote_aftersale_id=f"91{index}", kind=AfterSale.Kind.RETURN, status="USER_CANCELD"
        )

    with django_assert_num_queries(AFTERSALE_LIST_QUERIES):
        admin_client.get(URL)


# Session, user, the counts (filtered and total), the page of after-sales with their orders and shops, the shop filter.
AFTERSALE_LIST_QUERIES = 6
