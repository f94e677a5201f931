"""Counts the HTTP requests botocore sends in this process (retries included) and writes the count at exit.

bench/fleet puts this directory on PYTHONPATH of a contender it cannot count from the endpoint (moto records no
requests), with BENCH_CALL_COUNT_FILE naming the JSON file to write: {"http_requests": N}.
"""

import atexit
import json
import os
import threading

_path = os.environ.get("BENCH_CALL_COUNT_FILE")
if _path:
    _count = [0]
    _lock = threading.Lock()

    def _counted(**_):
        with _lock:
            _count[0] += 1

    def _write():
        with open(_path, "w") as handle:
            json.dump({"http_requests": _count[0]}, handle)

    try:
        import botocore.session

        _original_init = botocore.session.Session.__init__

        def _init(self, *args, **kwargs):
            _original_init(self, *args, **kwargs)
            self.register("before-send", _counted)

        botocore.session.Session.__init__ = _init
        atexit.register(_write)
    except ImportError:
        pass
