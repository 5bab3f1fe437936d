"""Queries only. Each function takes an AsyncSession; none commits."""
