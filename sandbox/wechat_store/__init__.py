"""The legacy WeChat Store merchant API, manual V1.17 (reference §2)."""

from sandbox.wechat_store.platform import WeChatStore

__all__ = ["WeChatStore"]
