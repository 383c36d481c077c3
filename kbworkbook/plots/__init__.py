"""Matplotlib figures drawn from result objects (no metric computation here)."""

__all__: list[str] = []
