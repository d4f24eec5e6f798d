"""Which handler carries out each kind of job.

A handler module declares its kinds with ``@handles(SyncJob.Kind.…)``; the outbox looks the handler up by the
job's kind and never imports the handler modules (the app's ``ready()`` does, which fills this registry).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from .context import HandlerFn

_HANDLERS: dict[str, HandlerFn] = {}


def handles(kind: str) -> Callable[[HandlerFn], HandlerFn]:
    """Register the decorated function as the handler of ``kind``; a second handler for one kind is a bug."""

    def register(handler: HandlerFn) -> HandlerFn:
        if kind in _HANDLERS and _HANDLERS[kind] is not handler:
            raise ImproperlyConfigured(f"two handlers for the job kind {kind!r}")
        _HANDLERS[kind] = handler
        return handler

    return register


def handler_for(kind: str) -> HandlerFn:
    """The handler of ``kind``. A KeyError means the kind has no handler module imported (a bug: the job is
    retried with backoff and then fails, like any crash)."""
    return _HANDLERS[kind]


def registered_kinds() -> frozenset[str]:
    return frozenset(_HANDLERS)
