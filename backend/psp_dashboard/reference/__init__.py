"""PayShack reference data: clients with balances, resellers, service providers, and the
client → project map (docs/payshack-reference.md)."""
