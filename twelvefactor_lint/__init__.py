"""12f-lint: find where a Python service breaks the Twelve-Factor App."""

__version__ = "0.1.0"
