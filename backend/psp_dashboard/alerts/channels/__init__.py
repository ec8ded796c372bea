"""Where an alert is told: in-app (the alert itself), webhooks, e-mail."""
