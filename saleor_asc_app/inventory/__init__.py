"""Stock from Saleor to Amazon: JSON_LISTINGS_FEED quantity patches, reconciliation and feed results."""
