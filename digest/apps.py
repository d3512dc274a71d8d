from django.apps import AppConfig
from django.conf import settings
from PIL import Image


class DigestConfig(AppConfig):
    name = "digest"
    verbose_name = "Site"

    def ready(self):
        # Pillow refuses to decode more than twice this anywhere (avatars too),
        # whichever code opens the file.
        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
