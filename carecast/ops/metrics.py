"""Prometheus metrics, read from the database when scraped.

Publishing happens in worker processes and the web processes answer the scrape, so
in-process counters would see nothing; the database has it all. Counts of finished
publications and attempts only grow, which makes them proper counters. Live
connections are this web process's own (scrape every web process).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.utils import timezone
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

# Seconds between the due time and the post being live on the network.
LATENCY_BUCKETS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)


def publish_latency() -> Metric:
    from carecast.publishing.models import Publication, State

    latency = ExpressionWrapper(F("published_at") - F("due_at"), output_field=DurationField())
    rows = Publication.objects.filter(
        state=State.PUBLISHED, published_at__isnull=False, due_at__isnull=False
    ).annotate(latency=latency)
    buckets = {
        f"le_{index}": Count("pk", filter=Q(latency__lte=dt.timedelta(seconds=bound)))
        for index, bound in enumerate(LATENCY_BUCKETS)
    }
    totals = rows.aggregate(count=Count("pk"), total=Sum("latency"), **buckets)
    histogram = HistogramMetricFamily(
        "carecast_publish_latency_seconds",
        "Seconds from a post's due time until it was live on the network.",
    )
    cumulative = [(str(b), totals[f"le_{i}"]) for i, b in enumerate(LATENCY_BUCKETS)]
    cumulative.append(("+Inf", totals["count"]))
    total = totals["total"] or dt.timedelta(0)
    histogram.add_metric([], cumulative, sum_value=max(0.0, total.total_seconds()))
    return histogram


def publish_failures() -> Metric:
    """Failed attempts by network and reason (permanent error, temporary, unknown outcome;
    with the network's HTTP status where it answered)."""
    from carecast.publishing.models import Attempt

    Outcome = Attempt.Outcome
    rows = (
        Attempt.objects.filter(outcome__in=[Outcome.ERROR, Outcome.RETRY, Outcome.UNKNOWN])
        .values("publication__channel__network", "outcome", "http_status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counter = CounterMetricFamily(
        "carecast_publish_failures",
        "Failed publishing attempts per network and reason.",
        labels=["network", "reason", "http_status"],
    )
    for row in rows:
        status = str(row["http_status"] or "none")
        counter.add_metric([row["publication__channel__network"], row["outcome"], status], row["n"])
    return counter


def publications_by_state() -> Metric:
    from carecast.publishing.models import Publication

    gauge = GaugeMetricFamily(
        "carecast_publications", "Publications in each state.", labels=["state"]
    )
    for row in Publication.objects.values("state").annotate(n=Count("pk")).order_by():
        gauge.add_metric([row["state"]], row["n"])
    return gauge


def queue(now: dt.datetime) -> Iterator[Metric]:
    from carecast.ops import health

    depth = health.queue_depth()
    if depth is not None:
        yield GaugeMetricFamily("carecast_queue_depth", "Tasks waiting in the queue.", value=depth)
    yield GaugeMetricFamily(
        "carecast_queue_lag_seconds",
        "How long the longest-waiting due post has been waiting.",
        value=health.queue_lag(now),
    )


def inbox_lag(now: dt.datetime) -> Metric:
    """Per network: how long ago the least recently read active channel was read."""
    from carecast.inbox.models import ChannelInbox
    from carecast.networks.models import ChannelStatus

    gauge = GaugeMetricFamily(
        "carecast_inbox_lag_seconds",
        "Seconds since the least recently read channel of a network was read successfully.",
        labels=["network"],
    )
    rows = (
        ChannelInbox.objects.filter(channel__status=ChannelStatus.ACTIVE)
        .values("channel__network")
        .annotate(oldest=Min("last_success_at"))
        .order_by()
    )
    for row in rows:
        if row["oldest"] is not None:
            lag = max(0.0, (now - row["oldest"]).total_seconds())
            gauge.add_metric([row["channel__network"]], lag)
    return gauge


def live_connections() -> Metric:
    from carecast.live.hub import hub

    count = sum(len(room) for room in list(hub.rooms.values()))
    return GaugeMetricFamily(
        "carecast_live_connections",
        "Open live Q&A websockets in this web process.",
        value=count,
    )


def worker_beat(now: dt.datetime) -> Iterator[Metric]:
    from carecast.ops.heartbeat import newest_beat

    newest = newest_beat()
    if newest is not None:
        yield GaugeMetricFamily(
            "carecast_worker_last_beat_seconds",
            "Seconds since the most recent worker heartbeat.",
            value=(now - newest).total_seconds(),
        )


class CarecastCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        yield publish_latency()
        yield publish_failures()
        yield publications_by_state()
        yield from queue(now)
        yield inbox_lag(now)
        yield live_connections()
        yield from worker_beat(now)


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(CarecastCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST
