"""Which kinds of job go first when several are due (higher first; `job.priority`, set when a job is enqueued).

Claims take jobs in turns (`queue.JobQueue.claim`): every installation's first due job of each kind, then every
second one, and so on, so a tenant with a large backlog never starves the others. Within a turn the priority
decides: webhooks (Saleor waits for nothing, but staff do), then shipment confirmations and cancellations (Amazon
measures a seller's shipping in hours), then everything else, and backfill pages (history) last.
"""

from __future__ import annotations

WEBHOOK = 10
SELLER_ACTION = 5
DEFAULT = 0
HISTORY = -5

KIND_PRIORITY: dict[str, int] = {
    "webhook": WEBHOOK,
    "fulfilment.send_action": SELLER_ACTION,
    "fulfilment.cancellation_feed": SELLER_ACTION,
    "orders.backfill": HISTORY,
}


def priority_of(kind: str) -> int:
    return KIND_PRIORITY.get(kind, DEFAULT)
