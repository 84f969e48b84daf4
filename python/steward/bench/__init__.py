"""Benchmarks: figures and ratios measured in one process, never asserted in tests."""
