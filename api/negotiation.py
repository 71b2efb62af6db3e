from rest_framework.negotiation import DefaultContentNegotiation


class ExplicitFormatWins(DefaultContentNegotiation):
    """`?format=csv` is the caller's explicit choice and wins over an Accept header that asks for
    something else (DRF would answer 406); without it, Accept decides as usual."""

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if wanted:
            # An unknown format is still DRF's 404.
            renderer = self.filter_renderers(renderers, wanted)[0]
            return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)
