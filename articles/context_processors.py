from django.conf import settings

SOCIAL_NAMES = {
    "facebook": "Facebook",
    "linkedin": "LinkedIn",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "rss": "RSS",
}


def newsroom(request):
    return {
        "newsroom_name": settings.NEWSROOM_NAME,
        "newsroom_social": {
            SOCIAL_NAMES[network]: url for network, url in settings.NEWSROOM_SOCIAL.items() if url
        },
    }
