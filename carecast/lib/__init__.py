"""Small infrastructure shared by the apps (HTTP choke point, ...). Imports no app."""
