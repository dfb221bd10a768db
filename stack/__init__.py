"""Starts and stops the whole Hulpwijzer stack: used by `make run` and the test fixtures."""
