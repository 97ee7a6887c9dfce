"""Gunicorn's own log lines in the same JSON format as the application's."""
import os

from gunicorn.glogging import Logger

from shared import logs


class JsonGunicornLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        logs.configure(os.environ.get("BAPAS_SERVICE", "bapas"))
        formatter = logs.JsonFormatter(os.environ.get("BAPAS_SERVICE", "bapas"))
        for handler in self.error_log.handlers:
            handler.setFormatter(formatter)
