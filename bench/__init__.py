"""Benchmarks: each prints its numbers as ratios to a baseline measured in the same run."""
