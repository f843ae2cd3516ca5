"""Test doubles shipped with the package for tests and benchmarks (not used in production code paths)."""
