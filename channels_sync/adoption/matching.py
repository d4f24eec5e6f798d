"""Which local product each of a shop's existing products is (issue 13, "Adopting an existing remote catalog").

Pure functions over plain snapshots: the remote products as the platform readers parse them
(:class:`~channels_sync.platforms.remote_catalog.RemoteCatalogProduct`), the local catalog as
:class:`LocalCatalogProduct`, and the shop's existing product bindings. Per remote product the answer is one
:class:`MatchDecision`: create a new local product, bind to an existing one, or a conflict with its reason. The
merchant's choices then turn the decisions into an :class:`AdoptionStep` per product (:func:`plan_adoption`).

A remote product matches a local one by out_product_id, by product (SPU) code, or by a shared SKU code (a SKU
code or out_sku_id). Binding needs exactly one candidate whose SKUs pair one to one with the remote SKUs, by code
first and by spec combination otherwise. A remote product already bound in the shop stays bound, which is what
makes a second import change nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from channels_sync.platforms.remote_catalog import RemoteCatalogProduct, RemoteCatalogSku


class MatchAction(StrEnum):
    CREATE = "create"
    BIND = "bind"
    CONFLICT = "conflict"


class MatchKey(StrEnum):
    """What a candidate shares with the remote product."""

    BINDING = "binding"  # the shop's binding already names it
    OUT_PRODUCT_ID = "out_product_id"
    PRODUCT_CODE = "product_code"
    SKU_CODES = "sku_codes"


class ConflictReason(StrEnum):
    SEVERAL_CANDIDATES = "several_candidates"  # two or more local products match
    SKU_SETS_DIFFER = "sku_sets_differ"  # one local product matches, but its SKUs do not pair with the remote ones
    CANDIDATE_BOUND_ELSEWHERE = "candidate_bound_elsewhere"  # the match is bound to another product of the shop
    SHARED_CANDIDATE = "shared_candidate"  # several remote products of the shop match the same local product


class AdoptionChoice(StrEnum):
    CREATE = "create"
    BIND = "bind"
    SKIP = "skip"


@dataclass(frozen=True)
class LocalCatalogSku:
    id: int
    specs: tuple[tuple[str, str], ...]  # (spec name, value name) in the product's spec order
    spec_ids: tuple[tuple[str, str], ...]  # (id, vid) in the same order; "$name" for custom ones (§2.2)
    product_code: str
    out_sku_id: str  # the id the sync sends (``out_sku_id_for``), so a SKU pushed before matches
    barcode: str = ""

    @property
    def label(self) -> str:
        return ";".join(f"{name}:{value}" for name, value in self.specs) or "(uniform)"


@dataclass(frozen=True)
class LocalCatalogProduct:
    id: int
    title: str
    out_product_id: str
    product_code: str  # the SPU code
    skus: tuple[LocalCatalogSku, ...]

    @property
    def sku_codes(self) -> frozenset[str]:
        return frozenset(code for sku in self.skus for code in (sku.product_code, sku.out_sku_id) if code)


@dataclass(frozen=True)
class SkuPairing:
    """Local SKU id -> remote SKU id for the SKUs that pair, and the labels of those left on either side."""

    pairs: tuple[tuple[int, str], ...]
    remote_only: tuple[str, ...]
    local_only: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.remote_only and not self.local_only


@dataclass(frozen=True)
class Candidate:
    local_product_id: int
    matched_by: tuple[MatchKey, ...]
    pairing: SkuPairing  # of its SKUs with the remote product's


@dataclass(frozen=True)
class MatchDecision:
    remote_id: str
    title: str
    action: MatchAction
    # BIND: the product to bind to; SKU_SETS_DIFFER: the one candidate; otherwise None.
    local_product_id: int | None
    reason: ConflictReason | None
    candidates: tuple[Candidate, ...]
    already_bound: bool = False

    @property
    def pairing(self) -> SkuPairing | None:
        """The SKU pairing with ``local_product_id``, if there is one."""
        return self.pairing_with(self.local_product_id)

    def pairing_with(self, local_product_id: int | None) -> SkuPairing | None:
        return next((c.pairing for c in self.candidates if c.local_product_id == local_product_id), None)

    @property
    def bindable_product_ids(self) -> tuple[int, ...]:
        """The local products the merchant may bind this remote product to: none bound elsewhere in the shop."""
        if self.reason == ConflictReason.CANDIDATE_BOUND_ELSEWHERE:
            return ()
        if self.local_product_id is not None:
            return (self.local_product_id,)
        return tuple(candidate.local_product_id for candidate in self.candidates)

    @property
    def default_choice(self) -> AdoptionChoice:
        """What happens without a choice: a create or bind goes ahead, a conflict is skipped."""
        return {
            MatchAction.CREATE: AdoptionChoice.CREATE,
            MatchAction.BIND: AdoptionChoice.BIND,
            MatchAction.CONFLICT: AdoptionChoice.SKIP,
        }[self.action]


@dataclass(frozen=True)
class AdoptionStep:
    """What the import does with one remote product once the merchant has chosen."""

    remote_id: str
    choice: AdoptionChoice
    local_product_id: int | None  # BIND only
    sku_pairs: tuple[tuple[int, str], ...]  # BIND only: local SKU id -> remote SKU id
    already_bound: bool = False


class AdoptionChoiceError(ValueError):
    """A choice that the decisions do not allow; ``remote_id`` names the row."""

    def __init__(self, remote_id: str, message: str) -> None:
        self.remote_id = remote_id
        super().__init__(f"{remote_id}: {message}")


def match_remote_catalog(
    *,
    remote_products: Sequence[RemoteCatalogProduct],
    local_products: Iterable[LocalCatalogProduct],
    bound: Mapping[str, int],
) -> tuple[MatchDecision, ...]:
    """One decision per remote product, in their order. ``bound`` is the shop's product bindings: remote id ->
    local product id."""
    index = _CandidateIndex({product.id: product for product in local_products})
    bound_local_ids: dict[int, set[str]] = defaultdict(set)
    for remote_id, local_id in bound.items():
        bound_local_ids[local_id].add(remote_id)
    decisions = [_decide(remote, index, bound, bound_local_ids) for remote in remote_products]
    return tuple(_split_shared_candidates(decisions))


def pair_skus(remote: RemoteCatalogProduct, local: LocalCatalogProduct) -> SkuPairing:
    """Pair SKUs one to one: first by a shared code (SKU code, out_sku_id, barcode), then the rest by spec
    combination (by the platform's ids where the remote gives ids, else by names)."""
    unpaired_local = list(local.skus)
    pairs: dict[str, int] = {}
    for remote_sku in remote.skus:
        match = next((sku for sku in unpaired_local if _same_code(remote_sku, sku)), None)
        if match is not None:
            pairs[remote_sku.remote_sku_id] = match.id
            unpaired_local.remove(match)
    remote_only = []
    for remote_sku in remote.skus:
        if remote_sku.remote_sku_id in pairs:
            continue
        match = next((sku for sku in unpaired_local if _same_combination(remote_sku, sku)), None)
        if match is None:
            remote_only.append(remote_sku.label)
            continue
        pairs[remote_sku.remote_sku_id] = match.id
        unpaired_local.remove(match)
    return SkuPairing(
        pairs=tuple(sorted((local_id, remote_id) for remote_id, local_id in pairs.items())),
        remote_only=tuple(remote_only),
        local_only=tuple(sku.label for sku in unpaired_local),
    )


def plan_adoption(
    decisions: Sequence[MatchDecision], choices: Mapping[str, tuple[AdoptionChoice, int | None]]
) -> tuple[AdoptionStep, ...]:
    """The steps of the import: each decision's default choice, or the merchant's (remote id -> (choice, local
    product id for a bind)). A bind must name one of the decision's bindable products, and no two remote
    products may be bound to the same local product (:class:`AdoptionChoiceError` otherwise). A product already
    bound in the shop stays as it is."""
    steps = []
    claimed: dict[int, str] = {}
    for decision in decisions:
        step = _step(decision, choices.get(decision.remote_id))
        if step.choice == AdoptionChoice.BIND and step.local_product_id is not None:
            other = claimed.setdefault(step.local_product_id, decision.remote_id)
            if other != decision.remote_id:
                raise AdoptionChoiceError(
                    decision.remote_id, f"local product {step.local_product_id} is already chosen for {other}"
                )
        steps.append(step)
    return tuple(steps)


# --- Internals -----------------------------------------------------------------------------------------------------


class _CandidateIndex:
    """The local products by each key a remote product can share with them."""

    def __init__(self, products: Mapping[int, LocalCatalogProduct]) -> None:
        self.products = products
        self.by_out_product_id: dict[str, set[int]] = defaultdict(set)
        self.by_product_code: dict[str, set[int]] = defaultdict(set)
        self.by_sku_code: dict[str, set[int]] = defaultdict(set)
        for product in products.values():
            if product.out_product_id.strip():
                self.by_out_product_id[product.out_product_id.strip()].add(product.id)
            if product.product_code.strip():
                self.by_product_code[product.product_code.strip()].add(product.id)
            for code in product.sku_codes:
                self.by_sku_code[code].add(product.id)

    def candidates(self, remote: RemoteCatalogProduct) -> tuple[Candidate, ...]:
        keys: dict[int, list[MatchKey]] = defaultdict(list)
        if remote.out_product_id.strip():
            for local_id in self.by_out_product_id.get(remote.out_product_id.strip(), ()):
                keys[local_id].append(MatchKey.OUT_PRODUCT_ID)
        if remote.product_code.strip():
            for local_id in self.by_product_code.get(remote.product_code.strip(), ()):
                keys[local_id].append(MatchKey.PRODUCT_CODE)
        for local_id in set().union(*(self.by_sku_code.get(code, set()) for code in remote.sku_codes)):
            keys[local_id].append(MatchKey.SKU_CODES)
        return tuple(self.candidate(remote, local_id, tuple(keys[local_id])) for local_id in sorted(keys))

    def candidate(self, remote: RemoteCatalogProduct, local_id: int, matched_by: tuple[MatchKey, ...]) -> Candidate:
        return Candidate(local_id, matched_by, pair_skus(remote, self.products[local_id]))


def _decide(
    remote: RemoteCatalogProduct,
    index: _CandidateIndex,
    bound: Mapping[str, int],
    bound_local_ids: Mapping[int, set[str]],
) -> MatchDecision:
    bound_id = bound.get(remote.remote_id)
    if bound_id is not None and bound_id in index.products:
        candidate = index.candidate(remote, bound_id, (MatchKey.BINDING,))
        return _decision(remote, MatchAction.BIND, bound_id, None, (candidate,), already_bound=True)
    candidates = index.candidates(remote)
    if not candidates:
        return _decision(remote, MatchAction.CREATE, None, None, ())
    free = tuple(c for c in candidates if not bound_local_ids.get(c.local_product_id, set()) - {remote.remote_id})
    if not free:
        return _decision(remote, MatchAction.CONFLICT, None, ConflictReason.CANDIDATE_BOUND_ELSEWHERE, candidates)
    if len(free) > 1:
        return _decision(remote, MatchAction.CONFLICT, None, ConflictReason.SEVERAL_CANDIDATES, free)
    only = free[0]
    if not only.pairing.complete:
        return _decision(remote, MatchAction.CONFLICT, only.local_product_id, ConflictReason.SKU_SETS_DIFFER, free)
    return _decision(remote, MatchAction.BIND, only.local_product_id, None, free)


def _decision(
    remote: RemoteCatalogProduct,
    action: MatchAction,
    local_id: int | None,
    reason: ConflictReason | None,
    candidates: tuple[Candidate, ...],
    *,
    already_bound: bool = False,
) -> MatchDecision:
    return MatchDecision(remote.remote_id, remote.title, action, local_id, reason, candidates, already_bound)


def _split_shared_candidates(decisions: list[MatchDecision]) -> list[MatchDecision]:
    """Two remote products that would bind to one local product are both conflicts: only the merchant can tell
    which one it is (the platforms do not enforce unique out_product_ids, §3.3)."""
    claims: dict[int | None, int] = defaultdict(int)
    for decision in decisions:
        if decision.action == MatchAction.BIND and not decision.already_bound:
            claims[decision.local_product_id] += 1
    return [
        replace(decision, action=MatchAction.CONFLICT, reason=ConflictReason.SHARED_CANDIDATE)
        if decision.action == MatchAction.BIND and not decision.already_bound and claims[decision.local_product_id] > 1
        else decision
        for decision in decisions
    ]


def _step(decision: MatchDecision, chosen: tuple[AdoptionChoice, int | None] | None) -> AdoptionStep:
    if decision.already_bound:
        # Bound by an earlier import or publish: nothing to choose, and nothing changes.
        pairing = decision.pairing
        return AdoptionStep(
            decision.remote_id,
            AdoptionChoice.BIND,
            decision.local_product_id,
            pairing.pairs if pairing else (),
            already_bound=True,
        )
    choice, local_id = chosen if chosen is not None else (decision.default_choice, decision.local_product_id)
    if choice != AdoptionChoice.BIND:
        return AdoptionStep(decision.remote_id, choice, None, ())
    pairing = decision.pairing_with(local_id)
    if local_id not in decision.bindable_product_ids or pairing is None:
        raise AdoptionChoiceError(decision.remote_id, f"it cannot be bound to local product {local_id}")
    return AdoptionStep(decision.remote_id, AdoptionChoice.BIND, local_id, pairing.pairs)


def _same_code(remote: RemoteCatalogSku, local: LocalCatalogSku) -> bool:
    return any(
        bool(code) and code in (local.product_code, local.out_sku_id)
        for code in (remote.product_code, remote.out_sku_id)
    ) or (bool(remote.barcode) and remote.barcode == local.barcode)


def _same_combination(remote: RemoteCatalogSku, local: LocalCatalogSku) -> bool:
    if remote.specs and all(spec.key for spec in remote.specs):
        return tuple((spec.key, spec.value_key) for spec in remote.specs) == local.spec_ids
    return remote.spec_signature == local.specs
