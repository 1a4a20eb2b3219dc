from django.conf import settings


def newsroom(request):
    return {
        "newsroom_name": settings.NEWSROOM_NAME,
        "newsroom_social": {k: v for k, v in settings.NEWSROOM_SOCIAL.items() if v},
    }
