"""Reports: the analytics dashboard ("Auswertung"), its SVG charts and the monthly PDF report.

Reads what ``analytics`` and ``peers`` record; writes only its own settings (recipients).
"""
