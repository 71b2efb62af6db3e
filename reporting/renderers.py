"""The export formats are renderers, so `?format=` (DRF's URL_FORMAT_OVERRIDE) and Accept both choose them."""

from rest_framework import renderers

from . import exports


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return exports.to_csv(data)


class XLSXRenderer(renderers.BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return exports.to_xlsx(data)
