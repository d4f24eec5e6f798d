"""A shop whose base URL its worker may not call: the real worker process refuses it from its own settings
(SANDBOX_ORIGINS from the environment), fails the job on its first attempt and sends nothing."""

import pytest

from channels_sync.engine import outbox
from channels_sync.models import Shop, SyncJob
from tests.integration.conftest import DEMO_APP_ID, DEMO_APP_SECRET, wait_for_jobs
from tests.unit.platforms.stubs import StubServer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def test_the_worker_refuses_a_base_url_outside_its_emulator_origins_and_sends_nothing(worker):
    with StubServer() as stub:
        # Given a shop saved on this machine under another name than the worker's emulator origin (127.0.0.1),
        # as one saved before the rule would be: the model's validation is bypassed
        port = int(stub.url.rsplit(":", 1)[1])
        shop = Shop(name="旧地址的店", platform="wechat_store", app_id=DEMO_APP_ID, base_url=f"http://localhost:{port}")
        shop.set_app_secret(DEMO_APP_SECRET)
        shop.save()

        # When one of its jobs runs on the worker
        job = outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.CATEGORIES_IMPORT)
        wait_for_jobs(worker=worker, shop=shop)

        # Then it failed at once with the reason, in the default language, and no request reached the address
        job.refresh_from_db()
        assert (job.state, job.attempts, job.last_errcode) == (SyncJob.State.FAILED, 1, None)
        assert job.last_errmsg == f"该平台的 API 地址是 https://api.weixin.qq.com，不是 localhost:{port}。"
        assert stub.received == []
