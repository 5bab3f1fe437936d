"""Persistence: SQLAlchemy models, engine and the embedded PostgreSQL."""
