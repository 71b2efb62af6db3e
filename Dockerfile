FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY api api
COPY backend backend
COPY visits visits
COPY scheduling scheduling
COPY reporting reporting
COPY volunteers volunteers
COPY rota rota
COPY publication publication
COPY phone phone
COPY web web
COPY api_schema api_schema
# The root Welsh catalogue (LOCALE_PATHS): api/'s and backend/'s messages, and the frameworks' the API sends.
COPY locale locale
COPY manage.py ./
# var/ holds the static files (collected here, at build time) and var/media the export files. Both
# exist in the image owned by the service's user, so the compose file's media volume starts owned
# by it too (Docker copies a directory's owner into a new named volume).
RUN pip install --no-cache-dir -e . && useradd --create-home icv \
    && DJANGO_SECRET_KEY=build-only-not-used-at-run-time python manage.py collectstatic --no-input \
    && mkdir -p var/media && chown -R icv var
USER icv
EXPOSE 8000
CMD ["gunicorn", "backend.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
