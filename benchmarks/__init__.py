"""Benchmarks of the service: `python -m benchmarks` (side-by-side speed) and plan_unpredictability.py."""
