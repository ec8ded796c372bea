"""Reconciliation of Vima against PayShack: engine, runs, results API (docs/reconciliation.md)."""
