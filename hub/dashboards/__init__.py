"""Dashboards for department heads and admins: panels that the core and plugins register
(``hub_register_dashboard_widgets``), filtered by department and date range, each figure
linking to the list behind it; and the monthly "collaboration stars".

Modules: ``scope`` (who sees which departments, the filters), ``charts`` (bar rows for the
SVG charts), ``figures`` (the core's numbers), ``views``. Documentation: docs/dashboards.md.
"""
