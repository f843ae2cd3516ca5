"""Verification of what Saleor sends: webhook signatures (detached JWS) and dashboard tokens (JWT)."""
