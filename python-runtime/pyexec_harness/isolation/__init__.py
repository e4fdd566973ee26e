"""Snapshot of interpreter state taken at worker start and restored after every call (isolated)."""
