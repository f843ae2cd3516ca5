"""Amazon processes feeds and reports on its own clock: ``process_due`` finishes every feed and report whose
processing time is over (and notifies their FEED_PROCESSING_FINISHED / REPORT_PROCESSING_FINISHED subscriptions),
whether or not the seller polls ``getFeed`` / ``getReport``. The served simulator runs it from its delivery loop,
tests from their delivery step; ``getFeed`` / ``getReport`` bring the one asked about up to date as well."""

from __future__ import annotations

from datetime import datetime

from saleor_asc_app.simulator.handlers.feeds import advance_feed
from saleor_asc_app.simulator.handlers.reports import advance_report
from saleor_asc_app.simulator.state import SimulatorState


def process_due(state: SimulatorState, now: datetime) -> int:
    """Finish what is due at ``now``; returns how many feeds and reports finished."""
    finished = 0
    for feed in list(state.feeds.values()):
        if not feed.processed and feed.finishes <= now:
            advance_feed(state, feed, now)
            finished += 1
    for report in list(state.reports.values()):
        if not report.processed and report.finishes <= now:
            advance_report(state, report, now)
            finished += 1
    return finished
