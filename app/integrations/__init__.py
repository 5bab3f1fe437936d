"""Outgoing HTTP to systems we do not own (the MAM, integrators' webhooks): signed, timed out, retried."""
