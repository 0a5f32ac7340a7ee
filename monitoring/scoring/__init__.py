"""Scoring: language, sentiment (and, beside them, topics, policy rules and risk). Pure functions."""

from monitoring.scoring.language import detect_language
from monitoring.scoring.sentiment import Sentiment, analyze, analyze_many

__all__ = ["Sentiment", "analyze", "analyze_many", "detect_language"]
