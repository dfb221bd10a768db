# The Rasa 3.6 image: Python 3.10, confined to this one process (README: two environments).
FROM python:3.10-slim
WORKDIR /app/bot
COPY requirements/bot.lock /app/requirements/bot.lock
RUN pip install --no-cache-dir -r /app/requirements/bot.lock
COPY bot /app/bot
ENV RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 HF_HUB_OFFLINE=1 PYTHONPATH=/app/bot
RUN python -m rasa train --config config.yml --domain domain --data data --out models \
    --fixed-model-name hulpwijzer
USER nobody
