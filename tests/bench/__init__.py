"""Benchmarks: run with `make bench`; each prints its figures and a ratio to a reference
measured in the same run. They are not part of `make test` and assert nothing about time."""
