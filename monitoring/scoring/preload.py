"""Imported once by the scoring pool's fork server (``monitoring.scoring_pipeline``): the code
and the sentiment analyzers are loaded there, before it forks the workers, so each worker starts
in milliseconds instead of importing and building them again (~0.7 CPU s each).

The language model (fastText's compressed lid.176, 15 ms) is loaded here too.

``gc.freeze()`` last: the garbage collector of a worker then never walks the inherited objects
(the lexicons), which would cost time and copy their memory pages into every worker.
"""

import gc

import monitoring.scoring_pipeline  # noqa: F401  (the workers' functions)
from monitoring.scoring import language, sentiment

language.detector()
sentiment.english_analyzer()
sentiment.italian_analyzer()
gc.freeze()
