from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """DRF's page numbers, strict about what is not a page size: anything but a whole number of at
    least 1 is a 400, where DRF would quietly use the default. A size over 200 gives 200, as it
    always has; the schema says both."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        if not all(value.isascii() and value.isdigit() and int(value) >= 1 for value in values):
            raise ValidationError({self.page_size_query_param: [_("Give a whole number of at least 1.")]})
        return min(int(values[-1]), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (f"Results per page, {self.page_size} by default; "
                                            f"more than {self.max_page_size} gives {self.max_page_size}.")
        return parameters
