# The dashboard as a container, following Streamlit's own recipe, running as a non-root user
# (uid 1000, which Hugging Face Spaces also expects).
#   docker build -t backprop-dashboard . && docker run -p 8501:8501 backprop-dashboard
FROM python:3.11-slim

# curl is only for the health check; the slim image's Debian release fixes its version.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*

# One BLAS thread per process: the matrices are tiny, and many sessions share the CPU.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt \
    && useradd --create-home --uid 1000 app

COPY --chown=1000:1000 app.py ./
COPY --chown=1000:1000 .streamlit ./.streamlit
COPY --chown=1000:1000 backprop ./backprop
COPY --chown=1000:1000 dashboard ./dashboard
COPY --chown=1000:1000 pages ./pages
USER 1000:1000

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD ["curl", "--fail", "http://localhost:8501/_stcore/health"]
ENTRYPOINT ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
