"""Utilities for users who write estimators of their own on top of the package."""
