"""Metrics and structured logs: what an operator needs to see the system from outside."""
