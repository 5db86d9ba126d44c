"""Sheets in the store: the one writer (``writer``), the one reader (``reader``), the
open-data tables (``tables``, ``published``) and the program lineage across years."""
