"""Small infrastructure shared by the apps (the HTTP choke point). Loads no app at import."""
