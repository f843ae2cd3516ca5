"""Webhooks Saleor sends the app: definitions (→ manifest), the verifying endpoint, and event processing."""
