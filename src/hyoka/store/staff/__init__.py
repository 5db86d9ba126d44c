"""The staff side: accounts and sessions (``accounts``), the audit log (``audit``), the
review workflow (``workflow``), comments and deadlines (``review``) and the corrections of
published sheets (``corrections``)."""
