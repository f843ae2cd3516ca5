"""`SpApiClient`: the typed operations the product uses, for one seller.

Construct one per seller; share the `LwaClient` and the rate budget (`RateLimiter`, or `SharedRateLimiter`
across processes) across all of them.
Tests and demo mode pass an `httpx.AsyncClient(transport=httpx.ASGITransport(app=simulator))`.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta

import httpx

from saleor_asc_app.amazon import operations as ops
from saleor_asc_app.amazon.credentials import SellerCredentials
from saleor_asc_app.amazon.documents import DocumentTransfer, decode_text, parse_order_tracking_report
from saleor_asc_app.amazon.errors import MalformedResponse, NotFound
from saleor_asc_app.amazon.lwa import LwaClient
from saleor_asc_app.amazon.models.cancellation import CancelReason, cancel_order_body
from saleor_asc_app.amazon.models.feeds import (
    JSON_CONTENT_TYPE,
    CreateFeedDocumentResponse,
    CreateFeedDocumentSpecification,
    CreateFeedResponse,
    CreateFeedSpecification,
    Feed,
    FeedDocument,
    ListingsFeed,
    ListingsFeedProcessingReport,
)
from saleor_asc_app.amazon.models.inventory import GetInventorySummariesResponse, InventorySummary
from saleor_asc_app.amazon.models.listings import (
    ItemSearchResults,
    ListingsItem,
    ListingsItemPatchRequest,
    ListingsItemSubmissionResponse,
)
from saleor_asc_app.amazon.models.notifications import (
    CreateDestinationRequest,
    CreateDestinationResponse,
    CreateSubscriptionRequest,
    Destination,
    DestinationResource,
    GetDestinationsResponse,
    ProcessingDirective,
    SqsResource,
    Subscription,
    SubscriptionResponse,
)
from saleor_asc_app.amazon.models.order_acknowledgement import CONTENT_TYPE as ACK_CONTENT_TYPE
from saleor_asc_app.amazon.models.order_acknowledgement import FEED_TYPE, CancellationRow, cancellation_feed
from saleor_asc_app.amazon.models.orders import (
    IMPORT_INCLUDED_DATA,
    FulfillmentStatus,
    GetOrderResponse,
    IncludedData,
    Order,
    SearchOrdersResponse,
)
from saleor_asc_app.amazon.models.reports import (
    CreateReportResponse,
    CreateReportSpecification,
    OrderTrackingRow,
    Report,
    ReportDocument,
)
from saleor_asc_app.amazon.models.sellers import (
    GetMarketplaceParticipationsResponse,
    MarketplaceParticipation,
)
from saleor_asc_app.amazon.models.shipments import ConfirmShipmentRequest
from saleor_asc_app.amazon.ratelimit import RateBudget, RateLimiter
from saleor_asc_app.amazon.regions import Region
from saleor_asc_app.amazon.retry import RetryPolicy
from saleor_asc_app.amazon.transport import DEFAULT_USER_AGENT, CallStats, SpApiResponse, SpApiTransport
from saleor_asc_app.clock import Clock

# Amazon rejects window ends less than two minutes before the request.
WINDOW_END_LAG = timedelta(minutes=2)
SEARCH_IDENTIFIERS_MAX = 20  # searchListingsItems: identifiers (maxItems) and pageSize (maximum)


def _region_label(endpoint: Region | str) -> str:
    return endpoint.value if isinstance(endpoint, Region) else endpoint


class SpApiClient:
    def __init__(
        self,
        credentials: SellerCredentials,
        endpoint: Region | str,
        http_client: httpx.AsyncClient,
        clock: Clock,
        *,
        lwa: LwaClient,
        rate_limiter: RateBudget | None = None,
        rate_region: str | None = None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        sandbox: bool = False,
        user_agent: str = DEFAULT_USER_AGENT,
        request_timeout: float = 30.0,
    ) -> None:
        if isinstance(endpoint, Region):
            base_url = endpoint.sandbox_endpoint if sandbox else endpoint.endpoint
        else:
            base_url = endpoint
        self._clock = clock
        rng = rng or random.Random()
        retry = retry or RetryPolicy()
        self._transport = SpApiTransport(
            credentials,
            base_url,
            http_client,
            clock,
            lwa=lwa,
            rate_limiter=rate_limiter or RateLimiter(clock),
            retry=retry,
            rng=rng,
            user_agent=user_agent,
            request_timeout=request_timeout,
            rate_region=rate_region if rate_region is not None else _region_label(endpoint),
        )
        self.documents = DocumentTransfer(http_client, clock, retry=retry, rng=rng)

    @property
    def seller_id(self) -> str:
        return self._transport.seller_id

    @property
    def transport(self) -> SpApiTransport:
        """The raw call pipeline, for operations without a typed method (and the sandbox tests)."""
        return self._transport

    @property
    def stats(self) -> CallStats:
        return self._transport.stats

    # --- Orders v2026-01-01 ---------------------------------------------------------------------

    async def search_orders(
        self,
        *,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        last_updated_after: datetime | None = None,
        last_updated_before: datetime | None = None,
        marketplace_ids: Sequence[str] | None = None,
        fulfillment_statuses: Sequence[FulfillmentStatus] | None = None,
        fulfilled_by: Sequence[str] | None = None,
        included_data: Sequence[IncludedData] = IMPORT_INCLUDED_DATA,
        max_results_per_page: int | None = None,
        pagination_token: str | None = None,
    ) -> SearchOrdersResponse:
        """One page of orders. Window ends later than two minutes ago are moved back to that."""
        if (created_after is None) == (last_updated_after is None):
            raise ValueError("give exactly one of created_after and last_updated_after")
        if created_after is not None and (last_updated_before is not None):
            raise ValueError("created_after cannot be combined with last_updated_before")
        if last_updated_after is not None and created_before is not None:
            raise ValueError("last_updated_after cannot be combined with created_before")
        if max_results_per_page is not None and not 1 <= max_results_per_page <= 100:
            raise ValueError("max_results_per_page must be between 1 and 100")
        latest_end = self._clock.now() - WINDOW_END_LAG
        if created_before is not None:
            created_before = min(created_before, latest_end)
        if last_updated_before is not None:
            last_updated_before = min(last_updated_before, latest_end)
        start = created_after or last_updated_after
        end = created_before or last_updated_before
        if start is not None and start > (end or latest_end):
            raise ValueError("the window starts after its end (or less than two minutes ago)")
        return await self._transport.call_model(
            ops.SEARCH_ORDERS,
            SearchOrdersResponse,
            query={
                "createdAfter": created_after,
                "createdBefore": created_before,
                "lastUpdatedAfter": last_updated_after,
                "lastUpdatedBefore": last_updated_before,
                "fulfillmentStatuses": fulfillment_statuses,
                "marketplaceIds": marketplace_ids,
                "fulfilledBy": fulfilled_by,
                "maxResultsPerPage": max_results_per_page,
                "paginationToken": pagination_token,
                "includedData": included_data,
            },
        )

    async def iter_order_pages(
        self,
        *,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        last_updated_after: datetime | None = None,
        last_updated_before: datetime | None = None,
        marketplace_ids: Sequence[str] | None = None,
        fulfillment_statuses: Sequence[FulfillmentStatus] | None = None,
        fulfilled_by: Sequence[str] | None = None,
        included_data: Sequence[IncludedData] = IMPORT_INCLUDED_DATA,
        max_results_per_page: int | None = None,
    ) -> AsyncIterator[SearchOrdersResponse]:
        """Every page of a search, following `nextToken`. Every page repeats the first call's
        parameters, as Amazon requires; a window end is clamped once, before the first page."""
        latest_end = self._clock.now() - WINDOW_END_LAG
        if created_before is not None:
            created_before = min(created_before, latest_end)
        if last_updated_before is not None:
            last_updated_before = min(last_updated_before, latest_end)
        token: str | None = None
        while True:
            page = await self.search_orders(
                created_after=created_after,
                created_before=created_before,
                last_updated_after=last_updated_after,
                last_updated_before=last_updated_before,
                marketplace_ids=marketplace_ids,
                fulfillment_statuses=fulfillment_statuses,
                fulfilled_by=fulfilled_by,
                included_data=included_data,
                max_results_per_page=max_results_per_page,
                pagination_token=token,
            )
            yield page
            token = page.next_token
            if not token:
                return

    async def get_order(self, order_id: str, included_data: Sequence[IncludedData] = IMPORT_INCLUDED_DATA) -> Order:
        response = await self._transport.call_model(
            ops.GET_ORDER,
            GetOrderResponse,
            path={"orderId": order_id},
            query={"includedData": included_data},
        )
        return response.order

    async def cancel_order(self, order_id: str, reason: CancelReason) -> None:
        """Ask Amazon to cancel a whole unshipped order (no partial cancellations). The route is taken from
        Amazon's reference page, not the copied models (see ``operations.CANCEL_ORDER``). Amazon answers 202: the
        request is accepted and processed later, so only ``getOrder`` showing the order cancelled confirms it."""

        def expect_success(response: SpApiResponse) -> None:
            if not 200 <= response.status < 300:
                raise ValueError(f"expected 2xx, got {response.status}")

        await self._transport.call(
            ops.CANCEL_ORDER, path={"orderId": order_id}, body=cancel_order_body(reason), parse=expect_success
        )

    # --- Orders v0 --------------------------------------------------------------------------------

    async def confirm_shipment(self, order_id: str, request: ConfirmShipmentRequest) -> None:
        """Confirm one package of an MFN order. Amazon answers 204 without a body."""

        def expect_no_content(response: SpApiResponse) -> None:
            if response.status != 204:
                raise ValueError(f"expected 204, got {response.status}")

        await self._transport.call(
            ops.CONFIRM_SHIPMENT, path={"orderId": order_id}, body=request, parse=expect_no_content
        )

    # --- Sellers ----------------------------------------------------------------------------------

    async def get_marketplace_participations(self) -> list[MarketplaceParticipation]:
        """The connection test: which marketplaces the seller sells in, with their currencies."""
        response = await self._transport.call_model(
            ops.GET_MARKETPLACE_PARTICIPATIONS, GetMarketplaceParticipationsResponse
        )
        if response.payload is None:
            raise MalformedResponse(
                "MissingPayload",
                "getMarketplaceParticipations answered without a payload",
                200,
                operation=ops.GET_MARKETPLACE_PARTICIPATIONS.name,
            )
        return response.payload

    # --- Feeds ------------------------------------------------------------------------------------

    async def create_feed_document(self, content_type: str = JSON_CONTENT_TYPE) -> CreateFeedDocumentResponse:
        return await self._transport.call_model(
            ops.CREATE_FEED_DOCUMENT,
            CreateFeedDocumentResponse,
            body=CreateFeedDocumentSpecification(content_type=content_type),
        )

    async def create_feed(
        self,
        feed_type: str,
        marketplace_ids: Sequence[str],
        input_feed_document_id: str,
        feed_options: dict[str, str] | None = None,
    ) -> str:
        response = await self._transport.call_model(
            ops.CREATE_FEED,
            CreateFeedResponse,
            body=CreateFeedSpecification(
                feed_type=feed_type,
                marketplace_ids=list(marketplace_ids),
                input_feed_document_id=input_feed_document_id,
                feed_options=feed_options,
            ),
        )
        return response.feed_id

    async def get_feed(self, feed_id: str) -> Feed:
        return await self._transport.call_model(ops.GET_FEED, Feed, path={"feedId": feed_id})

    async def get_feed_document(self, feed_document_id: str) -> FeedDocument:
        return await self._transport.call_model(
            ops.GET_FEED_DOCUMENT, FeedDocument, path={"feedDocumentId": feed_document_id}
        )

    async def submit_feed(
        self, feed_type: str, marketplace_ids: Sequence[str], content: bytes, content_type: str
    ) -> str:
        """createFeedDocument, upload, createFeed: the feed id."""
        document = await self.create_feed_document(content_type)
        await self.documents.upload(document.url, content, content_type)
        return await self.create_feed(feed_type, marketplace_ids, document.feed_document_id)

    async def submit_listings_feed(self, feed: ListingsFeed, marketplace_ids: Sequence[str]) -> str:
        content = feed.model_dump_json(by_alias=True, exclude_none=True).encode()
        return await self.submit_feed("JSON_LISTINGS_FEED", marketplace_ids, content, JSON_CONTENT_TYPE)

    async def submit_cancellation_feed(self, rows: Sequence[CancellationRow], marketplace_id: str) -> str:
        """Cancel order items through the order acknowledgement feed: the feed id."""
        return await self.submit_feed(FEED_TYPE, [marketplace_id], cancellation_feed(rows), ACK_CONTENT_TYPE)

    async def wait_for_feed(self, feed_id: str, *, poll_every: float = 30.0, give_up_after: float = 3600.0) -> Feed:
        """Poll getFeed until DONE, CANCELLED or FATAL (a DONE feed can still hold errors)."""
        deadline = self._clock.monotonic() + give_up_after
        while True:
            feed = await self.get_feed(feed_id)
            if feed.processing_status.is_final or self._clock.monotonic() + poll_every > deadline:
                return feed
            await self._clock.sleep(poll_every)

    async def download_feed_result(self, feed: Feed) -> bytes:
        if not feed.result_feed_document_id:
            raise MalformedResponse("NoResultDocument", "the feed has no result document yet")
        return await self.download_feed_document(feed.result_feed_document_id)

    async def download_feed_document(self, feed_document_id: str) -> bytes:
        """getFeedDocument and the download (decompressed); a FEED_PROCESSING_FINISHED notification names the id."""
        document = await self.get_feed_document(feed_document_id)
        content, _ = await self.documents.download(document.url, document.compression_algorithm)
        return content

    async def feed_result(self, feed_id: str) -> tuple[Feed, bytes | None]:
        """The feed and, once it is final and has one, its processing report's bytes (decompressed)."""
        feed = await self.get_feed(feed_id)
        if not feed.processing_status.is_final or not feed.result_feed_document_id:
            return feed, None
        return feed, await self.download_feed_result(feed)

    async def get_listings_processing_report(self, feed: Feed) -> ListingsFeedProcessingReport:
        content = await self.download_feed_result(feed)
        try:
            return ListingsFeedProcessingReport.model_validate_json(content)
        except ValueError:
            raise MalformedResponse(
                "MalformedProcessingReport", "the feed result is not a JSON listings processing report"
            ) from None

    # --- Reports ----------------------------------------------------------------------------------

    async def create_report(
        self,
        report_type: str,
        marketplace_ids: Sequence[str],
        *,
        data_start_time: datetime | None = None,
        data_end_time: datetime | None = None,
        report_options: dict[str, str] | None = None,
    ) -> str:
        response = await self._transport.call_model(
            ops.CREATE_REPORT,
            CreateReportResponse,
            body=CreateReportSpecification(
                report_type=report_type,
                marketplace_ids=list(marketplace_ids),
                data_start_time=data_start_time,
                data_end_time=data_end_time,
                report_options=report_options,
            ),
        )
        return response.report_id

    async def get_report(self, report_id: str) -> Report:
        return await self._transport.call_model(ops.GET_REPORT, Report, path={"reportId": report_id})

    async def get_report_document(self, report_document_id: str) -> ReportDocument:
        return await self._transport.call_model(
            ops.GET_REPORT_DOCUMENT, ReportDocument, path={"reportDocumentId": report_document_id}
        )

    async def wait_for_report(
        self, report_id: str, *, poll_every: float = 60.0, give_up_after: float = 7200.0
    ) -> Report:
        deadline = self._clock.monotonic() + give_up_after
        while True:
            report = await self.get_report(report_id)
            if report.processing_status.is_final or self._clock.monotonic() + poll_every > deadline:
                return report
            await self._clock.sleep(poll_every)

    async def download_report_text(self, report: Report) -> str:
        if not report.report_document_id:
            raise MalformedResponse("NoReportDocument", "the report has no document (not DONE?)")
        return await self.download_report_document_text(report.report_document_id)

    async def download_report_document_text(self, report_document_id: str) -> str:
        """getReportDocument and the download as text; a REPORT_PROCESSING_FINISHED notification names the id."""
        document = await self.get_report_document(report_document_id)
        content, charset = await self.documents.download(document.url, document.compression_algorithm)
        return decode_text(content, charset)

    async def fetch_order_tracking_report(self, report: Report) -> list[OrderTrackingRow]:
        return parse_order_tracking_report(await self.download_report_text(report))

    async def fetch_order_tracking_document(self, report_document_id: str) -> list[OrderTrackingRow]:
        return parse_order_tracking_report(await self.download_report_document_text(report_document_id))

    # --- Listings Items ---------------------------------------------------------------------------

    async def patch_listings_item(
        self,
        sku: str,
        marketplace_ids: Sequence[str],
        request: ListingsItemPatchRequest,
        *,
        seller_id: str | None = None,
        mode: str | None = None,
        included_data: Sequence[str] | None = None,
        issue_locale: str | None = None,
    ) -> ListingsItemSubmissionResponse:
        return await self._transport.call_model(
            ops.PATCH_LISTINGS_ITEM,
            ListingsItemSubmissionResponse,
            path={"sellerId": seller_id or self.seller_id, "sku": sku},
            query={
                "marketplaceIds": marketplace_ids,
                "includedData": included_data,
                "mode": mode,
                "issueLocale": issue_locale,
            },
            body=request,
        )

    async def search_listings_items(
        self,
        marketplace_ids: Sequence[str],
        *,
        identifiers: Sequence[str] | None = None,
        identifiers_type: str | None = None,
        included_data: Sequence[str] | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> ItemSearchResults:
        """One page of the seller's listings in ``marketplace_ids``."""
        return await self._transport.call_model(
            ops.SEARCH_LISTINGS_ITEMS,
            ItemSearchResults,
            path={"sellerId": self.seller_id},
            query={
                "marketplaceIds": marketplace_ids,
                "identifiers": identifiers,
                "identifiersType": identifiers_type,
                "includedData": included_data,
                "pageSize": page_size,
                "pageToken": page_token,
            },
        )

    async def search_listings_items_by_sku(
        self, marketplace_id: str, skus: Sequence[str], *, included_data: Sequence[str] = ("summaries",)
    ) -> list[ListingsItem]:
        """The seller's listings among ``skus`` (at most 20, the model's limit for ``identifiers``) in one
        marketplace; a SKU the seller does not list there is absent from the answer."""
        if not 1 <= len(skus) <= SEARCH_IDENTIFIERS_MAX:
            raise ValueError(f"search 1 to {SEARCH_IDENTIFIERS_MAX} SKUs at a time")
        items: list[ListingsItem] = []
        token: str | None = None
        while True:
            page = await self.search_listings_items(
                [marketplace_id],
                identifiers=skus,
                identifiers_type="SKU",
                included_data=included_data,
                page_size=SEARCH_IDENTIFIERS_MAX,
                page_token=token,
            )
            items.extend(page.items)
            token = page.pagination.next_token if page.pagination else None
            if not token:
                return items

    # --- FBA Inventory ----------------------------------------------------------------------------

    async def get_inventory_summaries(
        self,
        marketplace_id: str,
        *,
        seller_skus: Sequence[str] | None = None,
        start_date_time: datetime | None = None,
        details: bool = False,
        next_token: str | None = None,
    ) -> GetInventorySummariesResponse:
        return await self._transport.call_model(
            ops.GET_INVENTORY_SUMMARIES,
            GetInventorySummariesResponse,
            query={
                "details": details,
                "granularityType": "Marketplace",
                "granularityId": marketplace_id,
                "startDateTime": start_date_time,
                "sellerSkus": seller_skus,
                "nextToken": next_token,
                "marketplaceIds": [marketplace_id],
            },
        )

    async def iter_inventory_summaries(
        self,
        marketplace_id: str,
        *,
        seller_skus: Sequence[str] | None = None,
        start_date_time: datetime | None = None,
        details: bool = False,
    ) -> AsyncIterator[InventorySummary]:
        token: str | None = None
        while True:
            page = await self.get_inventory_summaries(
                marketplace_id,
                seller_skus=seller_skus,
                start_date_time=start_date_time,
                details=details,
                next_token=token,
            )
            for summary in page.payload.inventory_summaries if page.payload else ():
                yield summary
            token = page.pagination.next_token if page.pagination else None
            if not token:
                return

    # --- Notifications v1 -------------------------------------------------------------------------
    # getDestinations, createDestination and deleteSubscriptionById are grantless (the transport asks LWA for a
    # ``sellingpartnerapi::notifications`` token); the subscription reads and createSubscription act for the seller.

    async def get_destinations(self) -> list[Destination]:
        response = await self._transport.call_model(ops.GET_DESTINATIONS, GetDestinationsResponse)
        return list(response.payload or ())

    async def create_destination(self, name: str, queue_arn: str) -> Destination:
        body = CreateDestinationRequest(
            name=name, resource_specification=DestinationResource(sqs=SqsResource(arn=queue_arn))
        )
        response = await self._transport.call_model(ops.CREATE_DESTINATION, CreateDestinationResponse, body=body)
        if response.payload is None:
            raise MalformedResponse("MalformedResponse", "createDestination answered no destination", 200, None)
        return response.payload

    async def get_subscription(self, notification_type: str, payload_version: str = "1.0") -> Subscription | None:
        """The seller's subscription to ``notification_type``, or None (Amazon answers 404)."""
        try:
            response = await self._transport.call_model(
                ops.GET_SUBSCRIPTION,
                SubscriptionResponse,
                path={"notificationType": notification_type},
                query={"payloadVersion": payload_version},
            )
        except NotFound:
            return None
        return response.payload

    async def create_subscription(
        self,
        notification_type: str,
        destination_id: str,
        *,
        payload_version: str = "1.0",
        processing_directive: ProcessingDirective | None = None,
    ) -> Subscription:
        body = CreateSubscriptionRequest(
            payload_version=payload_version, destination_id=destination_id, processing_directive=processing_directive
        )
        response = await self._transport.call_model(
            ops.CREATE_SUBSCRIPTION, SubscriptionResponse, path={"notificationType": notification_type}, body=body
        )
        if response.payload is None:
            raise MalformedResponse("MalformedResponse", "createSubscription answered no subscription", 200, None)
        return response.payload

    async def delete_subscription(self, notification_type: str, subscription_id: str) -> None:
        def ignore(_response: SpApiResponse) -> None:
            return None

        try:
            await self._transport.call(
                ops.DELETE_SUBSCRIPTION_BY_ID,
                path={"notificationType": notification_type, "subscriptionId": subscription_id},
                parse=ignore,
            )
        except NotFound:
            return None  # already gone
