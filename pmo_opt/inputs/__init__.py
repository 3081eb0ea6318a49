"""Inputs: files -> a validated :class:`Portfolio` and a :class:`Scenario`.

``data`` reads the tables (``tables`` is their spec; ``csv_reader`` and ``workbook_reader`` read
the files; ``cells`` parses numbers), ``validate`` checks them (``rules``, ``checked_table`` and the
``*_checks`` modules), ``portfolio`` types them, ``load`` does all three; ``summary`` describes a
valid portfolio; ``scenario`` reads the settings; ``months`` is the calendar; ``instances`` reads
public benchmark formats.
"""
