"""Property: whatever a merchant asks, in whatever order, with failures injected, every job ends, in order.

Hypothesis generates sequences of merchant actions on two products in two shops (publish, list, delist, delete,
stock and title edits, retries of failed jobs, cancellations) interleaved with engine rounds, platform failures
(rejections, busy answers, answers lost after the change was applied) and workers that die holding a job. After
the sequence the engine keeps running rounds; the properties:

- every job reaches an end state (succeeded, failed or cancelled) within a bounded number of rounds;
- what the merchant asked for on one product in one shop is carried out in the order it was asked for: of two
  requests, the job of the earlier ends first, unless both are of kinds whose order does not matter (publish and
  stock push), or the earlier waited for the later (a listing that needs the publish asked after it);
- no product is ever created twice in a shop.

An engine round is what beat and the workers do: re-drive, then try every due job once (in a generated order
while the merchant acts, as workers take queued messages in any order; in queue order while settling).
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels_sync.engine import fanout, outbox
from channels_sync.models import Shop, SyncJob
from channels_sync.platforms.errors import RejectedError, SystemBusyError, TransportError
from products.models import Sku
from tests import factories
from tests.unit.channels_sync.fake_platform import FakeAdapter, FakePlatform, install_fake_platform

pytestmark = pytest.mark.django_db

PRODUCTS = 1
SHOPS = 2
MERCHANT_KINDS = {
    "publish": SyncJob.Kind.PRODUCT_PUBLISH,
    "list": SyncJob.Kind.PRODUCT_LIST,
    "delist": SyncJob.Kind.PRODUCT_DELIST,
    "delete": SyncJob.Kind.PRODUCT_DELETE,
}
FAULTY_CALLS = ("create", "update", "list", "delist", "delete", "stock_change", "upload", "freight_create", "get")
# After the merchant's last action, the engine must settle everything within this many rounds per job written
# (a job is retried at most MAX_ATTEMPTS times, and each round runs the head of every target's queue).
ROUNDS_PER_JOB = 3

product_index = st.integers(0, PRODUCTS - 1)
shop_index = st.integers(0, SHOPS - 1)
actions = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(sorted(MERCHANT_KINDS)), product_index, shop_index),
        st.tuples(st.just("stock"), product_index, st.integers(-4, 6)),
        st.tuples(st.just("title"), product_index),
        st.tuples(
            st.just("fault"), shop_index, st.sampled_from(FAULTY_CALLS), st.sampled_from(["reject", "busy", "lost"])
        ),
        # Workers take the queued messages in any order: a round tries the due jobs in a generated order.
        st.tuples(st.just("round"), st.randoms(use_true_random=False)),
        st.tuples(st.just("retry")),
        st.tuples(st.just("cancel"), st.integers(0, 30)),
        st.tuples(st.just("crash")),
    ),
    min_size=1,
    max_size=30,
)


def _fault(kind: str, call: str) -> Exception:
    if kind == "reject":
        return RejectedError(40097, f"{call} refused", endpoint=f"/fake/{call}")
    if kind == "busy":
        return SystemBusyError("system error", endpoint=f"/fake/{call}")
    return TransportError("connection reset", endpoint=f"/fake/{call}", outcome_unknown=True)


class Run:
    """One generated scenario: the merchant's requests and what the engine did with them."""

    def __init__(self, shops, products, platforms):
        self.shops = shops
        self.products = products
        self.platforms = platforms
        self.requested: list[int] = []  # per request of the merchant, in order: the job that carries it out
        self.ended: list[int] = []  # job ids in the order they reached an end state
        self.waited: set[tuple[int, int]] = set()  # (job, job it waited for)
        self.title_versions = 0

    # The merchant ---------------------------------------------------------------------------------------
    def ask(self, kind: str, product, shop) -> None:
        job = outbox.sync_job_enqueue(shop=shop, kind=MERCHANT_KINDS[kind], target=product)
        self.requested.append(job.pk)

    def edit_stock(self, product, delta: int) -> None:
        sku = product.skus.get()
        before = {sku.pk: sku.stock}
        Sku.objects.filter(pk=sku.pk).update(stock=max(0, sku.stock + delta))
        fanout.catalog_object_saved(target=product, stock_before=before)

    def edit_title(self, product) -> None:
        self.title_versions += 1
        type(product).objects.filter(pk=product.pk).update(title=f"纯棉圆领T恤 第{self.title_versions}版")
        fanout.catalog_object_saved(target=product)

    def retry_failed(self) -> None:
        for job in SyncJob.objects.filter(state=SyncJob.State.FAILED).order_by("pk"):
            if outbox.sync_job_retry(job=job) and job.pk in self.requested:
                # Asking again is a new request; the earlier ones it carried were answered by its failure.
                self.requested = [job_id for job_id in self.requested if job_id != job.pk] + [job.pk]

    def cancel(self, nth: int) -> None:
        queued = list(SyncJob.objects.filter(state__in=SyncJob.QUEUED_STATES).order_by("pk"))
        if queued:
            outbox.sync_job_cancel(job=queued[nth % len(queued)])

    # The engine -----------------------------------------------------------------------------------------
    def crash(self) -> None:
        """A worker claims the first job it can and dies before finishing it: its lease runs out."""
        for job_id in self._due():
            if outbox.sync_job_claim(job_id=job_id, owner="dying-worker"):
                SyncJob.objects.filter(pk=job_id).update(lease_until=timezone.now() - timedelta(seconds=1))
                return

    def round(self, rng=None) -> None:
        outbox.sync_jobs_redrive()
        due = self._due()
        if rng is not None:
            rng.shuffle(due)
        for job_id in due:
            outbox.sync_job_execute(job_id=job_id, owner="worker")
            self._observe()
        self._observe()

    def _due(self) -> list[int]:
        SyncJob.objects.filter(state=SyncJob.State.PENDING).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        return list(
            SyncJob.objects.filter(state=SyncJob.State.PENDING)
            .order_by(outbox.queue_order(), "pk")
            .values_list("pk", flat=True)
        )

    def _observe(self) -> None:
        for job_id, state, waits_for in SyncJob.objects.values_list("pk", "state", "waits_for_id").order_by("pk"):
            if waits_for is not None:
                self.waited.add((job_id, waits_for))
            if state in SyncJob.END_STATES and job_id not in self.ended:
                self.ended.append(job_id)
            if state not in SyncJob.END_STATES and job_id in self.ended:
                self.ended.remove(job_id)  # retried by the merchant: it ends again later

    def active(self) -> int:
        return SyncJob.objects.filter(state__in=SyncJob.ACTIVE_STATES).count()

    def waited_for(self, job_id: int, other: int) -> bool:
        """Whether ``job_id`` waited, directly or through a chain of waits, for ``other``."""
        seen, frontier = set(), {job_id}
        while frontier:
            seen |= frontier
            frontier = {b for (a, b) in self.waited if a in frontier} - seen
        return other in seen


def _scenario(monkeypatch) -> Run:
    install_fake_platform(monkeypatch)
    template = factories.freight_template()
    shops, platforms = [], []
    for index in range(SHOPS):
        shop = Shop(name=f"店{index}", platform="fake", app_id=f"wx_{index}", base_url="http://127.0.0.1:1")
        shop.set_app_secret("s3cret-value")
        shop.save()
        platform = FakePlatform()
        FakeAdapter.remotes[shop.pk] = platform
        shops.append(shop)
        platforms.append(platform)
    products = [factories.product(title=f"商品{i} 纯棉T恤", template=template, images=1) for i in range(PRODUCTS)]
    return Run(shops, products, platforms)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=actions)
def test_every_job_ends_in_the_order_asked_whatever_the_merchant_and_the_platform_do(steps, monkeypatch):
    with transaction.atomic():
        run = _scenario(monkeypatch)
        for step in steps:
            match step:
                case ("publish" | "list" | "delist" | "delete") as kind, p, s:
                    run.ask(kind, run.products[p], run.shops[s])
                case ("stock", p, delta):
                    run.edit_stock(run.products[p], delta)
                case ("title", p):
                    run.edit_title(run.products[p])
                case ("fault", s, call, kind):
                    faults = run.platforms[s].apply_then_fail if kind == "lost" else run.platforms[s].failures
                    faults.setdefault(call, []).append(_fault(kind, call))
                case ("round", rng):
                    run.round(rng)
                case ("retry",):
                    run.retry_failed()
                case ("cancel", nth):
                    run.cancel(nth)
                case ("crash",):
                    run.crash()

        bound = ROUNDS_PER_JOB * SyncJob.objects.count() + outbox.MAX_ATTEMPTS + 2
        rounds = 0
        while run.active() and rounds < bound:
            run.round()
            rounds += 1

        run._observe()
        stuck = list(SyncJob.objects.filter(state__in=SyncJob.ACTIVE_STATES).values_list("pk", "kind", "state"))
        assert stuck == [], f"jobs still active after {rounds} rounds"
        jobs = {job.pk: job for job in SyncJob.objects.all()}
        # A job the merchant cancelled ended when it was cancelled, not in its turn.
        in_turn = [job_id for job_id in run.requested if jobs[job_id].state != SyncJob.State.CANCELLED]
        for index, earlier in enumerate(in_turn):
            for later in in_turn[index + 1 :]:
                a, b = jobs[earlier], jobs[later]
                if (
                    a.pk == b.pk
                    or (a.shop_id, a.lock_key) != (b.shop_id, b.lock_key)
                    or {a.kind, b.kind} <= outbox.COMMUTING_KINDS
                    or run.waited_for(earlier, later)
                ):
                    continue
                assert run.ended.index(earlier) < run.ended.index(later), (
                    f"{a.kind} #{a.pk} was asked before {b.kind} #{b.pk} but ended after it"
                )
        for platform in run.platforms:
            out_ids = [product["out_product_id"] for product in platform.products.values()]
            assert len(out_ids) == len(set(out_ids)), f"a product was created twice: {out_ids}"
        transaction.set_rollback(True)
