"""Ingestion: connectors (one module per source kind), file imports and the runner (issue 3)."""
