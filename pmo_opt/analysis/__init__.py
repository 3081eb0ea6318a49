"""Analysis: questions answered by several plans: ``frontier``, ``compare``, ``uncertainty``,
``explain`` (why-not), ``diagnose`` (infeasibility), ``hiring``; ``sweep`` runs the solves on
local processes or a Dask cluster; ``wording`` phrases their findings."""
