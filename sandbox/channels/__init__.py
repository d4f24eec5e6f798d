"""The Channels store, today's 微信小店 (reference §3)."""

from sandbox.channels.platform import ChannelsStore

__all__ = ["ChannelsStore"]
