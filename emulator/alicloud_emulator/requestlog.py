"""Counts of requests per action and outcome, kept in memory and appended to a JSON-lines log."""

import json
import threading
import time
from collections import Counter


class RequestLog:
    def __init__(self, path=None):
        self._lock = threading.Lock()
        self._path = path
        self._counts = Counter()
        self._outcomes = Counter()
        self._mutating = Counter()
        self._file = open(path, "a", encoding="utf-8", buffering=1) if path else None  # noqa: SIM115

    def record(self, product, action, outcome, status, mutating, request_id):
        with self._lock:
            self._counts[action] += 1
            self._outcomes[(action, outcome)] += 1
            if mutating:
                self._mutating[action] += 1
            if self._file:
                entry = {
                    "time": round(time.time(), 3),
                    "product": product,
                    "action": action,
                    "outcome": outcome,
                    "status": status,
                    "mutating": mutating,
                    "request_id": request_id,
                }
                self._file.write(json.dumps(entry) + "\n")

    def snapshot(self):
        with self._lock:
            outcomes = {}
            for (action, outcome), count in self._outcomes.items():
                outcomes.setdefault(action, {})[outcome] = count
            return {
                "total": sum(self._counts.values()),
                "mutating": sum(self._mutating.values()),
                "counts": dict(self._counts),
                "mutating_counts": dict(self._mutating),
                "outcomes": outcomes,
            }

    def reset(self):
        with self._lock:
            self._counts.clear()
            self._outcomes.clear()
            self._mutating.clear()

    def close(self):
        if self._file:
            self._file.close()
