"""Shipments and cancellations from Saleor back to Amazon (outgoing actions)."""
