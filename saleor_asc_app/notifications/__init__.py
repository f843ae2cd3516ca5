"""E-mail to store staff: recipients (configured, or the staff holding MANAGE_SETTINGS), a durable outbox written in
the same transaction as the event it reports, and a job that sends through SMTP with retries."""
