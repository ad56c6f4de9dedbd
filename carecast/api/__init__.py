"""carecast's JSON API (django-ninja), mounted at /api/v1/ with OpenAPI docs at /api/v1/docs."""
