app_name = "automation"
urlpatterns: list = []
