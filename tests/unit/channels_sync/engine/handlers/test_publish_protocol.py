"""Issue 10: a publish is one adapter call. The engine uploads the images the shop lacks (its image service), then
calls ``adapter.publish`` once; everything else the publish asks of the platform happens inside that call."""

import functools
import inspect
import sys
import types

import pytest

from channels_sync.engine import outbox
from channels_sync.models import RemoteBinding, SyncJob
from channels_sync.platforms.adapter import PlatformAdapter
from channels_sync.platforms.errors import TransportError
from tests import factories
from tests.unit.channels_sync.engine.jobs import bind_template, run_job
from tests.unit.channels_sync.fake_platform import FakeAdapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_calls(monkeypatch, remote):
    """The adapter methods called from the engine's modules, in order."""
    calls: list[str] = []
    # The instance methods of the protocol (not the class's own helpers: host policy, shared cache).
    names = [
        n
        for n in dir(PlatformAdapter)
        if not n.startswith("_") and isinstance(inspect.getattr_static(PlatformAdapter, n), types.FunctionType)
    ]
    for name in names:
        method = getattr(FakeAdapter, name)

        def spy(self, *args, _method=method, _name=name, **kwargs):
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if caller.startswith("channels_sync.engine"):
                calls.append(_name)
            return _method(self, *args, **kwargs)

        monkeypatch.setattr(FakeAdapter, name, functools.wraps(method)(spy))
    return calls


def _publish(shop, product) -> str:
    return run_job(outbox.sync_job_enqueue(shop=shop, kind=SyncJob.Kind.PRODUCT_PUBLISH, target=product))


def test_a_create_is_the_uploads_then_one_publish_call(shop, engine_calls, remote):
    product = factories.product(images=3)
    bind_template(shop, product)

    assert _publish(shop, product) == "succeeded"

    assert engine_calls == ["upload_image"] * 3 + ["publish"]
    assert remote.calls == ["upload"] * 3 + ["create"]


def test_an_update_and_an_unchanged_publish_are_one_call_each(shop, engine_calls, remote):
    product = factories.product(images=1)
    bind_template(shop, product)
    assert _publish(shop, product) == "succeeded"
    engine_calls.clear()
    product.title += "（新）"
    product.save()

    assert _publish(shop, product) == "succeeded"
    assert _publish(shop, product) == "succeeded"

    assert engine_calls == ["publish", "publish"]
    assert remote.calls[-1] == "update"
    assert remote.calls.count("update") == 1


def test_a_lost_create_answer_is_one_call_that_finds_and_updates(shop, engine_calls, remote):
    product = factories.product(images=0)
    bind_template(shop, product)
    remote.apply_then_fail["create"] = [TransportError("read timed out", endpoint="/fake/create", outcome_unknown=True)]
    assert _publish(shop, product) == "pending"
    binding = RemoteBinding.objects.get(object_id=product.pk, content_type__model="product")
    # The create was announced before it was sent: the retry looks for it.
    assert binding.last_pushed_hash != ""
    assert binding.remote_id == ""
    engine_calls.clear()

    assert _publish(shop, product) == "succeeded"

    assert engine_calls == ["publish"]
    assert remote.calls == ["create", "find", "get", "update"]
    assert len(remote.products) == 1
    binding.refresh_from_db()
    assert binding.remote_id == next(iter(remote.products))
