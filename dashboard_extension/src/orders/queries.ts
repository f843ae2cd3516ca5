const ORDER_FIELDS = `amazonOrderId connectionId marketplaceId marketplace fulfillmentChannel amazonStatus state reasonCode
  reason currency totalAmount saleorTotalAmount saleorOrderId saleorOrderNumber orderedAt importedAt canReplay canSkip
  pointsGranted pointsValue taxBreakdownMissing`;

export const ORDERS_QUERY = `query AmazonOrders($filter: AmazonOrderFilter, $first: Int!, $offset: Int!) {
  amazonOrders(filter: $filter, first: $first, offset: $offset) { totalCount offset hasMore items { ${ORDER_FIELDS} } } }`;

export const SYNC_STATUS_QUERY = `query AmazonOrderSyncStatus { amazonOrderSyncStatus { now
  sellers { connectionId sellerId region configured lastSuccessAt syncedUntil lagSeconds lastError lastErrorAt
    marketplaces { marketplaceId marketplace lastImportedAt counts { state count } }
    backfill { status since until windowsDone windowsTotal ordersFound ordersFetched lastError }
    push { state reason lastNotificationAt freshnessSeconds missed deadLetters } }
  importsPerDay { day count }
  parkedReasons { reasonCode reasonKey example count } } }`;

export const REPLAY_ORDER = `mutation ReplayAmazonOrder($id: String!) {
  replayAmazonOrder(amazonOrderId: $id) { ${ORDER_FIELDS} } }`;

export const SKIP_ORDER = `mutation SkipAmazonOrder($id: String!) {
  skipAmazonOrder(amazonOrderId: $id) { ${ORDER_FIELDS} } }`;

export const REPLAY_PARKED = `mutation ReplayParkedAmazonOrders($code: String!, $key: String) {
  replayParkedAmazonOrders(reasonCode: $code, reasonKey: $key) }`;
