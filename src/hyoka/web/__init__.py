"""The web portal: public pages, the JSON API and (from the staff modules) authoring.

``create_app(settings)`` in :mod:`hyoka.web.app` builds the application; routes stay thin
over :mod:`hyoka.store`, :mod:`hyoka.rules` and :mod:`hyoka.render`.
"""
