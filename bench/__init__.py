"""Benchmarks of the BAPAS platform, run by `make bench` (`python -m bench`); `BENCH_QUICK=1` for a short run."""
