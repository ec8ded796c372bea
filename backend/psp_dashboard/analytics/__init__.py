"""The ClickHouse analytics mirror of `transactions` and ad-hoc breakdowns (docs/analytics.md)."""
