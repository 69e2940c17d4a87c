"""Helpers for the browser tests and benchmarks: a Voila server and headless Chromium."""
