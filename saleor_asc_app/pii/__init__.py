"""Buyer PII under Amazon's Data Protection Policy: the encrypted vault, retention and purge, the "View Amazon PII"
access check, and the audit trail of every reveal, refusal, export and purge."""
