"""Durable events: one LISTEN connection per process, cursor replay, bounded fan-out."""
