"""The inbox's background jobs (procrastinate; its worker: ``manage.py procrastinate
worker``, started by ``make run`` and the compose file's worker service). Each job is the
synchronous service run by the command, so the two file exactly the same candidates."""

import logging
from collections.abc import Sequence

from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from inbox.services import SOURCES, candidates_harvest
from profiles.models import Researcher

logger = logging.getLogger(__name__)
QUEUE = "harvest"


@app.task(name="inbox.harvest", queue=QUEUE, retry=2)
def harvest(researcher: int, sources: Sequence[str] = SOURCES) -> str:
    """Kwargs are JSON: the researcher's pk and the source names. A researcher deleted
    since the job was queued is nothing to harvest."""
    person = Researcher.objects.filter(pk=researcher).first()
    if person is None:
        return f"no researcher {researcher}"
    report = candidates_harvest(researcher=person, sources=sources)
    for problem in report.failed + report.skipped:
        logger.warning("harvest of %s: %s", person.slug, problem)
    return report.summary()


def harvest_later(researcher: Researcher, sources: Sequence[str] = SOURCES) -> bool:
    """Queues a harvest; False when one of this researcher is queued already (a queueing
    lock per researcher), so a double click queues one job."""
    try:
        harvest.configure(queueing_lock=f"harvest-{researcher.pk}").defer(
            researcher=researcher.pk, sources=list(sources)
        )
    except AlreadyEnqueued:
        return False
    return True
