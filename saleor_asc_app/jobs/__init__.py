"""Durable background jobs: a table-backed queue with leases, retries and dead letters."""
