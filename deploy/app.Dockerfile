# The Python 3.11 app image: directory, gateway and action server share one locked set.
FROM python:3.11-slim
WORKDIR /app
COPY requirements/app.lock requirements/app.lock
# torch 2.13.0+cpu comes from PyTorch's CPU index; everything else from PyPI.
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu \
    -r requirements/app.lock
COPY actions actions
COPY gateway gateway
COPY services_directory services_directory
COPY web_widget web_widget
ENV HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONPATH=/app
USER nobody
