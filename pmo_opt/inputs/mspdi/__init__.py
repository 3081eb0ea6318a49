"""MS Project XML (MSPDI) schedules in, a portfolio out: ``reader`` parses a file safely,
``schedule`` reads its tasks, resources and assignments, ``timephased`` spreads work over
calendar months, ``projects`` turns schedules into portfolio tables, ``portfolio_writer`` writes
(or merges) them, ``report`` says what was read and left out; ``importer`` runs the lot.
"""
