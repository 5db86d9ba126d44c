"""A sheet as the store's rows, made without a database: the rows of every table
(``sheet``), its report facts (``facts``), its search rows and tokens (``search``,
``grams``). Pure functions over plain values, so that importers can run them in worker
processes; :mod:`hyoka.store` writes what they make.
"""
