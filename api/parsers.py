import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings

LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class SafeJSONParser(JSONParser):
    """JSON parser that answers 400, never 500, to hostile bodies (absurd nesting, invalid Unicode)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None
        except ParseError as exc:
            # DRF's words are not marked for translation: ours are, with the decoder's own account of
            # where the JSON breaks (the ValueError DRF caught) kept as it is.
            where = exc.__context__ if isinstance(exc.__context__, ValueError) else exc.detail
            raise ParseError(_("JSON parse error - %(detail)s") % {"detail": where}) from None
        refuse_lone_surrogates(data)
        return data


def refuse_lone_surrogates(data) -> None:
    """JSON lets "\\ud800" through, but no UTF-8 answer or database column can hold it: refuse it
    here, on the top-level field that carries it, whatever that field's type."""
    top = data.items() if isinstance(data, dict) else [(api_settings.NON_FIELD_ERRORS_KEY, data)]
    for field, value in top:
        stack = [field, value]  # iterative: the body may be nested as deep as the parser allows
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str) and LONE_SURROGATE.search(item):
                key = api_settings.NON_FIELD_ERRORS_KEY if LONE_SURROGATE.search(field) else field
                raise ValidationError({key: [_("This is not valid Unicode: remove the lone surrogate (U+D800-U+DFFF).")]})
