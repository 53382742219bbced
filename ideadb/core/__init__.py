"""Pieces every feature shares: database helpers, errors, permissions, the API plumbing."""
