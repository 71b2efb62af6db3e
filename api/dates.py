"""Date windows in query strings and answers: `from` and `to`, inclusive local dates."""


# `from` is a Python keyword, so a serializer declares `date_from` and `date_to` and this names
# them `from` and `to`, in the query string, the answer and the schema. (A comment, not a
# docstring: the schema would show a docstring as the description of every serializer using it.)
class FromToMixin:
    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("date_from")
        fields["to"] = fields.pop("date_to")
        return fields
