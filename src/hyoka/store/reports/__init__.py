"""The report facts: written with every saved sheet (``facts``) and read by the analytics
reports (``scope`` for what they share, ``fact_reads``, ``figures``, ``totals``,
``quality``)."""
