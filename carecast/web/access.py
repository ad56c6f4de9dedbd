"""Who may see what: moved to ``carecast.rights`` (apps may import it; no app imports web).

Kept as a re-export so that code written against ``carecast.web.access`` keeps working;
new code imports ``carecast.rights``.
"""

from carecast.rights import (  # noqa: F401
    can_publish,
    channels_for,
    editable_stories_for,
    inbox_items_for,
    is_department_scoped,
    live_sessions_for,
    may_publish_to,
    media_for,
    person_of,
    person_required,
    publications_for,
    publishable_channels_for,
    require,
    require_publisher,
    stories_for,
)
