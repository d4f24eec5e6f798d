"""The platforms the engine knows: one registration line per platform (its adapter, and the declarations the
engine reads instead of asking ``shop.platform == "…"``). Adapters are imported on first use, so an unused
platform costs nothing.

Adding a platform: its package under ``platforms/`` with an adapter declaring its ``capabilities`` (and, if its
shops need settings of their own, a ``settings.py: SETTINGS`` schema, named by ``settings=``), and one
``register(...)`` line below. The rest of the platform's knowledge is found in its package by module name
(:data:`PLATFORM_MODULES`), so no table outside the package names the platform: ``preflight`` (what it refuses,
``check_product``), ``errcodes`` (its documented codes explained, ``EXPLANATIONS``), ``product_rules`` (its product
form rules, ``PRODUCT_FORM_RULES``, optional), ``models`` (its own rows, optional) and ``comparison`` (a product
body field by field for the local / draft / online page, ``fields``, optional).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from dataclasses import dataclass
from types import ModuleType

from .adapter import Capability, NotSupported, PlatformAdapter, ShopConfig
from .settings_schema import SettingsSchema


@dataclass(frozen=True)
class PlatformEntry:
    """One platform: where its adapter lives ("module:Class") and its per-product settings, if it has any."""

    platform: str
    adapter: str
    # The model ("app_label.ModelName") of the product's own settings for this platform, one row per product with
    # ``as_options()``; the engine hands them to the adapter's payload builder. Empty where there are none.
    product_options_model: str = ""
    # The shop's settings schema ("module:NAME", a ``SettingsSchema``): its fields on the shop's page, its values in
    # ``Shop.platform_settings``. Empty where the shop needs nothing beyond app id, secret and base URL.
    settings: str = ""

    @property
    def package(self) -> str:
        """The platform's package: where its adapter module lives."""
        return self.adapter.split(":")[0].rsplit(".", 1)[0]

    def module(self, name: str) -> ModuleType | None:
        """The platform's module ``name`` (one of :data:`PLATFORM_MODULES`), or None where the package has none."""
        if name not in PLATFORM_MODULES:
            raise ValueError(f"{name!r} is not a platform module ({', '.join(PLATFORM_MODULES)})")
        return _package_module(self.package, name)


@functools.cache
def _package_module(package: str, name: str) -> ModuleType | None:
    # Cached: the product form asks on every save, and looking for a module that is not there reads the disk.
    dotted = f"{package}.{name}"
    if importlib.util.find_spec(dotted) is None:
        return None
    return importlib.import_module(dotted)


# The modules a platform package may hold that the engine and the admin look up by name.
PLATFORM_MODULES = ("preflight", "errcodes", "product_rules", "models", "comparison")

PLATFORMS: dict[str, PlatformEntry] = {}


def register(platform: str, *, adapter: str, product_options_model: str = "", settings: str = "") -> None:
    PLATFORMS[platform] = PlatformEntry(
        platform=platform, adapter=adapter, product_options_model=product_options_model, settings=settings
    )


register("wechat_store", adapter="channels_sync.platforms.wechat_store.adapter:WeChatStoreAdapter")
register("channels", adapter="channels_sync.platforms.channels.adapter:ChannelsAdapter")
register("minishop", adapter="channels_sync.platforms.minishop.adapter:MiniShopAdapter")
register(
    "tencent_ads",
    adapter="channels_sync.platforms.tencent_ads.adapter:TencentAdsAdapter",
    settings="channels_sync.platforms.tencent_ads.settings:SETTINGS",
)
register(
    "open_platform",
    adapter="channels_sync.platforms.open_platform.adapter:OpenPlatformAdapter",
    product_options_model="channels_sync.OpenPlatformProductOptions",
    settings="channels_sync.platforms.open_platform.settings:SETTINGS",
)


def platform_entry(platform: str) -> PlatformEntry:
    try:
        return PLATFORMS[platform]
    except KeyError:
        raise NotSupported(f"platform {platform}") from None


def _load(reference: str):
    module_name, name = reference.split(":")
    return getattr(importlib.import_module(module_name), name)


def adapter_class(platform: str) -> type[PlatformAdapter]:
    return _load(platform_entry(platform).adapter)


def settings_schema(platform: str) -> SettingsSchema | None:
    """The settings schema of a registered platform; ``None`` where it has none or is not registered."""
    entry = PLATFORMS.get(platform)
    return _load(entry.settings) if entry is not None and entry.settings else None


def shop_settings(platform: str, stored: dict) -> tuple[dict, str]:
    """What the adapter of a shop receives of its ``stored`` settings: the plain values the payload builders read
    (``ShopConfig.options``) and the decrypted secret it needs besides the app secret (``ShopConfig.extra_secret``)."""
    schema = settings_schema(platform)
    if schema is None:
        return {}, ""
    return schema.adapter_options(stored), schema.adapter_extra_secret(stored)


def get_adapter(shop: ShopConfig, *, on_call=None, cache=None) -> PlatformAdapter:
    return adapter_class(shop.platform)(shop, on_call=on_call, cache=cache)


def has_capability(platform: str, capability: Capability) -> bool:
    """Whether a registered platform's adapter declares ``capability``; False for a platform not registered."""
    return platform in PLATFORMS and capability in adapter_class(platform).capabilities


def platforms_with_orders() -> frozenset[str]:
    return frozenset(name for name in PLATFORMS if has_capability(name, Capability.ORDERS))


def platform_modules(name: str) -> dict[str, ModuleType]:
    """Every registered platform's module ``name``, by platform; platforms without one are left out."""
    found = {platform: entry.module(name) for platform, entry in PLATFORMS.items()}
    return {platform: module for platform, module in found.items() if module is not None}
