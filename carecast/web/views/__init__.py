"""Views of the web UI, one module per area. They stay thin: query through ``access``, act through services."""
