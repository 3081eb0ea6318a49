"""Inputs: files -> a validated :class:`Portfolio` and a :class:`Scenario`.

``data`` reads the tables, ``validate`` checks them, ``load`` does both; ``scenario`` reads the
settings; ``months`` is the calendar; ``instances`` reads public benchmark formats.
"""
