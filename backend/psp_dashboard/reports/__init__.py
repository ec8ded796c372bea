"""Scheduled reports: a daily summary and a weekly reconciliation report, sent by e-mail
or webhook at a wall-clock time in a chosen zone, exactly once per due time."""
