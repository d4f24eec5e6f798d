"""The demo mini-shop: created once with its freight templates queued for import, so the demo catalog's template
is bound by name and a demo product publishes as it is."""

import pytest

from channels_sync.demo import demo_shops_ensure
from channels_sync.models import Shop, SyncJob
from channels_sync.platforms.adapter import Capability
from channels_sync.platforms.registry import adapter_class

pytestmark = pytest.mark.django_db


def test_the_demo_minishop_queues_one_freight_import_when_it_is_created():
    demo_shops_ensure(sandbox_base_url="http://127.0.0.1:8765")
    demo_shops_ensure(sandbox_base_url="http://127.0.0.1:8765")

    shop = Shop.objects.get(app_id="wx_demo_minishop")
    jobs = SyncJob.objects.filter(shop=shop)
    assert (shop.platform, shop.base_url) == ("minishop", "http://127.0.0.1:8765")
    assert [(job.kind, job.state) for job in jobs] == [(SyncJob.Kind.FREIGHT_IMPORT, SyncJob.State.PENDING)]


def test_the_minishop_binds_freight_templates_by_import():
    assert Capability.FREIGHT_TEMPLATES_IMPORTED in adapter_class("minishop").capabilities
    assert Capability.FREIGHT_TEMPLATES_PUSHED not in adapter_class("minishop").capabilities
