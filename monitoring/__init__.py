"""Sentinella: brand-reputation monitoring for organizations whose social presence is run by many people."""

__version__ = "0.1.0"
