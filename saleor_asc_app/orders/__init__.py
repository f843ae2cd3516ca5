"""Amazon orders into Saleor: incremental sync, backfill, mapping, the Saleor writer, follow-ups and the inbox."""
