from django.middleware.locale import LocaleMiddleware


class DeskLocaleMiddleware(LocaleMiddleware):
    """Speak the editor's language in the admin; the public site speaks its own.

    Readers get the site's language (and each article its own), so a public page never
    depends on the Accept-Language header and one cached copy serves everybody.
    """

    def process_request(self, request):
        if request.path.startswith("/admin/"):
            super().process_request(request)

    def process_response(self, request, response):
        if request.path.startswith("/admin/"):
            return super().process_response(request, response)
        return response
