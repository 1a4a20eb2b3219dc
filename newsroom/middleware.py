from django.conf import settings
from django.middleware.locale import LocaleMiddleware


class DeskLocaleMiddleware(LocaleMiddleware):
    """Speak the editor's language in the admin; the public site speaks its own.

    Readers get the site's language (and each article its own), so a public page never
    depends on the Accept-Language header and one cached copy serves everybody.
    """

    def process_request(self, request):
        if request.path_info.startswith("/admin/"):
            super().process_request(request)

    def process_response(self, request, response):
        if request.path_info.startswith("/admin/"):
            return super().process_response(request, response)
        return response


class AdminContentSecurityPolicyMiddleware:
    """Give the desk its own policy (settings.ADMIN_CSP); public pages keep SECURE_CSP.

    Sits inside Django's ContentSecurityPolicyMiddleware, which reads the choice from the
    response as it does for the `csp_override` view decorator.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/admin/"):
            response._csp_config = settings.ADMIN_CSP
        return response
