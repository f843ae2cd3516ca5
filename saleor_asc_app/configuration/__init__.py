"""Per-installation configuration of the app: the model, its validation and its storage (with an audit trail)."""
