"""Operating carecast: worker heartbeat, /healthz, Prometheus metrics, failing-channel alerts,
backup and restore, and periodic tasks that run once per period however many workers run."""
