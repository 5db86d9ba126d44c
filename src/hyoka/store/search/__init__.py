"""The public listing and its search: indexing (``index``, with the 1–2 character index in
``grams``), matching and snippets (``matching``), the in-memory catalog of published
summaries (``catalog``) and the filtered, sorted pages of sheets (``listing``)."""
