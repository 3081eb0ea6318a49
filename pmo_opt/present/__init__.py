"""Present: words (``narrative``, ``plan_text``), ``charts``, ``tables`` for people, ``widgets``,
notebook ``params`` and the report's one plan (``stored_plan``), and the report runner
(``reports``, with ``execution``, ``html``, ``workbook`` and ``manifest``). Jupyter and widget
libraries are imported only by the modules that need them."""
