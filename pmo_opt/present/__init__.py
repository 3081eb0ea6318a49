"""Present: words (``narrative``, ``plan_text``), ``charts``, ``widgets``, notebook
``params`` and the report runner (``reports``). Jupyter and widget libraries are imported only
by the modules that need them."""
