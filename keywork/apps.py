from django.apps import AppConfig


class KeyworkConfig(AppConfig):
    name = "keywork"
    verbose_name = "Key work"
