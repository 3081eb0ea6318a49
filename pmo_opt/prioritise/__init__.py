"""Prioritise: the value of each project. ``scoring`` (weighted scores, WSJF, benefit/cost and
the value the engines maximise), ``ahp`` (weights from pairwise judgements) and ``stability``
(how the ranking moves when the weights do)."""
