from django.apps import AppConfig
from django.db.models.signals import post_save


class PublicationConfig(AppConfig):
    name = "publication"
    verbose_name = "Public statistics"

    def ready(self):
        from . import answers
        from .models import PublicationSettings

        # A page hidden or its settings changed (the admin included): the pages kept whole are old.
        post_save.connect(lambda **kwargs: answers.forget(), sender=PublicationSettings, weak=False,
                          dispatch_uid="publication.forget_answers")
