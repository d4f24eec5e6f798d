"""engine.images: a product's uploads go 4 at a time, the first alone (one access-token fetch), with the files read
and the rows written in the job's thread; an upload that fails leaves the others recorded."""

import threading
import time

import pytest

from channels_sync.engine import images, outbox
from channels_sync.models import RemoteImage, SyncAttempt, SyncJob
from channels_sync.platforms.errors import RejectedError
from tests import factories
from tests.unit.channels_sync.engine.jobs import bind_template, run_job
from tests.unit.channels_sync.fake_platform import FakeAdapter

pytestmark = pytest.mark.django_db


class Uploads:
    """What the uploads did: in flight at most, which came first, and the threads they ran in."""

    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most = 0
        self.order: list[str] = []
        self.threads: set[int] = set()
        self.first_done = threading.Event()


@pytest.fixture
def uploads(monkeypatch, remote):
    seen = Uploads()
    upload = FakeAdapter.upload_image

    def slow_upload(self, *, filename, data, width, height):
        with seen.lock:
            if seen.order and not seen.first_done.is_set():
                raise AssertionError("an upload started before the first one ended")
            seen.in_flight += 1
            seen.most = max(seen.most, seen.in_flight)
            seen.order.append(filename)
            seen.threads.add(threading.get_ident())
        time.sleep(0.05)
        try:
            return upload(self, filename=filename, data=data, width=width, height=height)
        finally:
            with seen.lock:
                seen.in_flight -= 1
            seen.first_done.set()

    monkeypatch.setattr(FakeAdapter, "upload_image", slow_upload)
    return seen


def test_the_images_of_a_product_go_up_four_at_a_time_after_the_first(shop, uploads, remote):
    product = factories.product(images=9)
    bind_template(shop, product)

    assert run_job(outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)) == "succeeded"

    assert len(uploads.order) == 9
    assert uploads.most == images.UPLOADS_AT_ONCE
    assert len(uploads.threads) > 1
    assert RemoteImage.objects.filter(shop=shop).count() == 9
    assert remote.calls == ["upload"] * 9 + ["create"]
    assert SyncAttempt.objects.filter(endpoint="/fake/upload").count() == 9


def test_an_upload_that_fails_leaves_the_others_recorded_and_the_retry_sends_only_it(
    shop, uploads, remote, monkeypatch
):
    product = factories.product(images=5)
    bind_template(shop, product)
    # The first upload goes through; of the four sent together, one is refused.
    refusal = RejectedError(errcode=40005, errmsg="invalid file type", endpoint="/fake/upload")
    calls = {"n": 0}
    original = FakeAdapter._call

    def refuse_the_third(self, name, apply=None):
        if name == "upload":
            with uploads.lock:
                calls["n"] += 1
                third = calls["n"] == 3
            if third:
                self.remote.calls.append(name)
                raise refusal
        return original(self, name, apply)

    monkeypatch.setattr(FakeAdapter, "_call", refuse_the_third)
    assert run_job(outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)) == "failed"
    monkeypatch.setattr(FakeAdapter, "_call", original)

    assert RemoteImage.objects.filter(shop=shop).count() == 4
    assert "create" not in remote.calls
    uploads.order.clear()

    assert run_job(outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product)) == "succeeded"

    assert len(uploads.order) == 1
    assert RemoteImage.objects.filter(shop=shop).count() == 5
