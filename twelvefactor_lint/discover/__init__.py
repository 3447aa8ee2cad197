"""Discover: walk the given paths and classify each file by kind and role."""
