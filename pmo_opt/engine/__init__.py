"""Engine: a :class:`~pmo_opt.engine.plan.Plan` from a portfolio, a scenario and values.

``optimise`` is the front door; ``milp`` (``model``, ``solve``, ``lns``) and ``cpsat`` are the
two engines, ``auto`` runs both; ``start`` and ``rank_fill`` give the first plan, ``compact``
shifts starts left, ``check`` re-checks any plan independently of the models.
"""
