"""Imported once by the scoring pool's fork server (``monitoring.scoring_pipeline``): the code
and the sentiment analyzers are loaded there, before it forks the workers, so each worker starts
in milliseconds instead of importing and building them again (~0.7 CPU s each).

lingua's models (~1 CPU s) are not built here: most social texts are decided by their function
words, and a worker loads them the first time a text needs them.

``gc.freeze()`` last: the garbage collector of a worker then never walks the inherited objects
(the lexicons), which would cost time and copy their memory pages into every worker.
"""

import gc

import monitoring.scoring_pipeline  # noqa: F401  (the workers' functions)
from monitoring.scoring import sentiment

sentiment.english_analyzer()
sentiment.italian_analyzer()
gc.freeze()
