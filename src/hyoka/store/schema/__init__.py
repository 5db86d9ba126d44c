"""The store's schema: every table, on one ``Base.metadata`` (``migrations/`` builds it).

``sheets`` holds a sheet's current version and its history, ``national`` the parts only
national sheets have, ``search`` the listing's summaries and the search texts, ``facts``
the report facts, ``accounts`` staff accounts, sessions and the audit log, ``workflow``
the review states and comments; ``types`` the column types they share. Importing the
package puts every table on the metadata.
"""

from hyoka.store.schema import (  # noqa: F401  (each module puts its tables on Base.metadata)
    accounts,
    facts,
    municipal,
    national,
    rs,
    search,
    sheets,
    workflow,
)
