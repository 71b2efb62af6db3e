FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY api api
COPY backend backend
COPY visits visits
COPY scheduling scheduling
COPY reporting reporting
COPY api_schema api_schema
COPY manage.py ./
RUN pip install --no-cache-dir -e . && useradd --create-home icv && mkdir -p var && chown icv var
USER icv
EXPOSE 8000
CMD ["gunicorn", "backend.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
