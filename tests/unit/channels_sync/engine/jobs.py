"""Running jobs by hand in the engine tests (never queued: the fake platform installs no broker)."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from channels_sync.engine import outbox
from channels_sync.models import RemoteBinding, SyncJob


def run_job(job: SyncJob, owner="worker-1") -> str | None:
    SyncJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    return outbox.sync_job_execute(job_id=job.pk, owner=owner)


def bind_template(shop, product):
    return RemoteBinding.objects.create(
        shop=shop,
        content_type=ContentType.objects.get_for_model(product.freight_template),
        object_id=product.freight_template_id,
        remote_id="t1",
    )
