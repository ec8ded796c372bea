"""Alerts: rules evaluated every minute from the rollups and run records, a state
machine per rule and subject, an outbox of deliveries to in-app, webhook and e-mail
channels (docs/alerts.md)."""
