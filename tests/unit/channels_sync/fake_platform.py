"""A fake platform for engine tests: products by id with their stock, and a script of failures to play.

It stands in for a real platform so the engine's rules can be checked without HTTP (tests/unit/channels_sync);
the same flows run against the emulator and a real worker in tests/integration.
"""

from django.utils import timezone

from channels_sync.engine import outbox
from channels_sync.platforms import registry
from channels_sync.platforms.adapter import PlatformAdapter, ProductPayload, RemoteProductState
from channels_sync.platforms.errors import RejectedError
from channels_sync.platforms.http import CallRecord


class FakePlatform:
    """The remote side: products by id with their stock, and a script of failures to play."""

    def __init__(self):
        self.products: dict[str, dict] = {}
        self.templates: dict[str, str] = {}
        # Call name -> errors to raise before applying (failures) or after applying (apply_then_fail).
        self.failures: dict[str, list[Exception]] = {}
        self.apply_then_fail: dict[str, list[Exception]] = {}
        self.calls: list[str] = []
        self.next_id = 1


class FakeAdapter(PlatformAdapter):
    platform = "fake"
    remote: FakePlatform
    # Shop id -> a platform of its own, for tests with several shops; other shops share ``remote``.
    remotes: dict[int, FakePlatform] = {}

    def __init__(self, shop, **kwargs):
        super().__init__(shop, **kwargs)
        self.remote = type(self).remotes.get(shop.shop_id, type(self).remote)

    def _call(self, name: str, apply=None):
        self.remote.calls.append(name)
        if self.on_call:
            self.on_call(
                CallRecord(
                    endpoint=f"/fake/{name}",
                    method="POST",
                    started_at=timezone.now(),
                    duration_ms=1,
                    http_status=200,
                    errcode=0,
                    errmsg="ok",
                    request={"access_token": "***"},
                    response={"errcode": 0},
                    error=None,
                    query={},
                )
            )
        if self.remote.failures.get(name):
            raise self.remote.failures[name].pop(0)
        result = apply() if apply else None
        if self.remote.apply_then_fail.get(name):
            raise self.remote.apply_then_fail[name].pop(0)
        return result

    def upload_image(self, *, filename, data, width, height):
        return self._call("upload", lambda: f"https://img.example/{filename}")

    def product_payload(
        self, *, snapshot, image_urls, freight_template_remote_id, binding, remote, product_options=None
    ):
        body = {
            "name": snapshot.title,
            "out_product_id": snapshot.out_product_id,
            "skus": {s.spec_key: s.stock for s in snapshot.skus},
        }
        return ProductPayload(body=body, hash_basis={"name": snapshot.title})

    def product_create(self, *, payload, snapshot):
        def apply():
            remote_id = f"p{self.remote.next_id}"
            self.remote.next_id += 1
            self.remote.products[remote_id] = {
                "name": payload.body["name"],
                "out_product_id": payload.body["out_product_id"],
                "stock": dict(payload.body["skus"]),
            }
            return remote_id

        return self._call("create", apply)

    def product_update(self, *, remote_id, payload):
        return self._call("update", lambda: self._existing(remote_id).update(name=payload.body["name"]))

    def product_find(self, *, payload, snapshot):
        self._call("find")
        for remote_id, product in self.remote.products.items():
            if product["out_product_id"] == payload.body["out_product_id"]:
                return remote_id
        return None

    def product_get(self, *, remote_id):
        self._call("get")
        product = self.remote.products.get(remote_id)
        if product is None:
            return RemoteProductState(remote_id=remote_id, exists=False)
        return RemoteProductState(remote_id=remote_id, exists=True, stock_by_sku_key=product["stock"])

    def product_set_listed(self, *, remote_id, listed):
        def apply():
            product = self._existing(remote_id)
            product["listed"] = listed

        return self._call("list" if listed else "delist", apply)

    def product_delete(self, *, remote_id):
        def apply():
            self._existing(remote_id)
            del self.remote.products[remote_id]

        return self._call("delete", apply)

    def _existing(self, remote_id) -> dict:
        if remote_id not in self.remote.products:
            raise RejectedError(404, "product does not exist", endpoint="/fake")
        return self.remote.products[remote_id]

    def stock_read(self, *, remote_id, sku_key):
        self._call("stock_read")
        return self._existing(remote_id)["stock"][sku_key]

    def stock_change(self, *, remote_id, sku_key, delta):
        def apply():
            self._existing(remote_id)["stock"][sku_key] += delta

        return self._call("stock_change", apply)

    def freight_create(self, *, snapshot):
        def apply():
            self.remote.templates["t1"] = snapshot.name
            return "t1"

        return self._call("freight_create", apply)

    def freight_list(self):
        self._call("freight_list")
        return [{"remote_id": k, "name": v} for k, v in self.remote.templates.items()]


def install_fake_platform(monkeypatch) -> FakePlatform:
    """A fresh fake platform behind the adapter of platform "fake"; jobs are run by hand, never queued."""
    platform = FakePlatform()
    FakeAdapter.remote = platform
    monkeypatch.setattr(FakeAdapter, "remotes", {})
    monkeypatch.setitem(
        registry.PLATFORMS, "fake", registry.PlatformEntry(platform="fake", adapter=f"{__name__}:FakeAdapter")
    )
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: None)
    return platform
