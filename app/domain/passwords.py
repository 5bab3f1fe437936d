"""Password policy (pure): lengths only; hashing lives in services.security."""

from __future__ import annotations

from app.domain.errors import BadInput

MIN_PASSWORD = 8
MAX_PASSWORD = 256


def check_password(password: str, field: str = "password") -> str:
    if not (MIN_PASSWORD <= len(password) <= MAX_PASSWORD):
        raise BadInput(f"password must be {MIN_PASSWORD}-{MAX_PASSWORD} characters", field=field)
    return password
