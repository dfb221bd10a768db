"""Human handoff: the queue, per-conversation streams, staff accounts (docs/handoff.md)."""
