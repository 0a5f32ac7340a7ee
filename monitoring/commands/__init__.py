"""CLI commands, one module per family; each registers itself on ``monitoring.cli.cli``."""
