"""The parameters of the job kinds that take some, one typed dataclass per kind.

Whoever queues a job (an admin action, the push endpoint) builds the kind's dataclass; the outbox writes it to
``SyncJob.params`` once, on enqueue, and reads it back once, when the job runs, into ``JobContext.params``. The
JSON keys are the dataclass's field names, as they always were, so jobs already in the database still run. A job
whose parameters cannot be read (a key missing, unknown or of the wrong type) fails with what is wrong, instead
of crashing in its handler.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from ..models import SyncJob
from .context import JobFailed


class JobParamsError(JobFailed):
    """A job's parameters are not the ones its kind declares: retrying cannot help."""


@dataclasses.dataclass(frozen=True)
class JobParams:
    """The base of every kind's parameters: plain fields of ``str``, ``int`` or ``bool``."""

    kind: ClassVar[str]

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> JobParams:
        """The parameters of ``data`` (``SyncJob.params``), checked key by key."""
        if not isinstance(data, Mapping):
            raise JobParamsError(_("The job's parameters are not an object."))
        fields = {f.name: f for f in dataclasses.fields(cls)}
        types = typing.get_type_hints(cls)
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise JobParamsError(_("Unknown job parameters: %(names)s.") % {"names": ", ".join(unknown)})
        missing = sorted(
            name
            for name, f in fields.items()
            if name not in data and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        )
        if missing:
            raise JobParamsError(_("Missing job parameters: %(names)s.") % {"names": ", ".join(missing)})
        return cls(**{name: _read(value, types[name], name) for name, value in data.items()})


def _read(value: Any, expected: Any, name: str) -> Any:
    """One value as its field declares it: ``str``, ``int`` or ``bool``; a nested ``JobParams`` (a JSON object); or
    ``tuple[X, ...]`` of those (a JSON array, e.g. the parcels of a delivery)."""
    if typing.get_origin(expected) is tuple:
        item_type, ellipsis = typing.get_args(expected)
        assert ellipsis is Ellipsis, "only tuple[X, ...] fields are supported"
        if not isinstance(value, list | tuple):
            raise JobParamsError(_("The job parameter %(name)s must be a list.") % {"name": name})
        return tuple(_read(item, item_type, f"{name}[{index}]") for index, item in enumerate(value))
    if isinstance(expected, type) and issubclass(expected, JobParams):
        if not isinstance(value, Mapping):
            raise JobParamsError(_("The job parameter %(name)s must be an object.") % {"name": name})
        return expected.from_json(value)
    # A bool is an int to Python: neither may stand for the other here.
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise JobParamsError(
            _("The job parameter %(name)s must be of type %(type)s.") % {"name": name, "type": expected.__name__}
        )
    return value


_BY_KIND: dict[str, type[JobParams]] = {}


def job_params(kind: str) -> Callable[[type[JobParams]], type[JobParams]]:
    """Declare the decorated dataclass as the parameters of ``kind``."""

    def declare(cls: type[JobParams]) -> type[JobParams]:
        if kind in _BY_KIND:
            raise ValueError(f"two parameter classes for the job kind {kind!r}")
        cls.kind = kind
        _BY_KIND[kind] = cls
        return cls

    return declare


def job_params_to_json(kind: str, params: JobParams | Mapping[str, Any] | None) -> dict[str, Any]:
    """What is stored in ``SyncJob.params`` for a job of ``kind``: the kind's dataclass, serialised; a plain
    mapping is accepted only if it reads as that dataclass (so a bad one is refused when queued, not when run)."""
    declared = _BY_KIND.get(kind)
    if isinstance(params, JobParams):
        if type(params) is not declared:
            raise TypeError(f"{type(params).__name__} are not the parameters of {str(kind)!r} jobs")
        return params.to_json()
    if declared is None:
        if params:
            raise TypeError(f"{str(kind)!r} jobs take no parameters")
        return {}
    return declared.from_json(params or {}).to_json()


def job_params_read(kind: str, stored: Mapping[str, Any] | None) -> JobParams | None:
    """The parameters of a job about to run; ``None`` for a kind that takes none (whatever it holds is unused)."""
    declared = _BY_KIND.get(kind)
    return declared.from_json(stored if stored is not None else {}) if declared is not None else None


@job_params(SyncJob.Kind.ORDER_PULL_ONE)
@dataclasses.dataclass(frozen=True)
class OrderPullOneParams(JobParams):
    """The order to read again (from a push, or the admin's "pull again")."""

    remote_order_id: str


@dataclasses.dataclass(frozen=True)
class ParcelItemParams(JobParams):
    """Pieces of one order line in a parcel."""

    remote_product_id: str
    remote_sku_key: str
    count: int


@dataclasses.dataclass(frozen=True)
class ParcelParams(JobParams):
    """One parcel of a partial delivery (Channels delivery/send): company, tracking number, its pieces."""

    company: str
    track_no: str
    items: tuple[ParcelItemParams, ...]


@job_params(SyncJob.Kind.ORDER_SET_DELIVERY)
@dataclasses.dataclass(frozen=True)
class OrderSetDeliveryParams(JobParams):
    """V1.17 order/setdelivery (API reference §2.6), as the delivery form cleaned it; or, with ``parcels``, the
    parcels the merchant made up on the order page (partial delivery: each names its pieces)."""

    need_delivery: bool
    company: str = ""
    track_no: str = ""
    is_others: bool = False
    parcels: tuple[ParcelParams, ...] = ()

    def to_json(self) -> dict[str, Any]:
        # A whole-order delivery keeps the keys its jobs always had: ``parcels`` only where there are some.
        stored = super().to_json()
        if not self.parcels:
            del stored["parcels"]
        return stored


@job_params(SyncJob.Kind.AFTERSALE_REJECT)
@dataclasses.dataclass(frozen=True)
class AfterSaleRejectParams(JobParams):
    """Why an after-sale is rejected: the platform's reason code and the merchant's note."""

    reason_type: int
    reason: str = ""
    # The reason's name as the platform listed it, kept on the after-sale once the platform took the rejection.
    reason_label: str = ""
