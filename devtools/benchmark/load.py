"""Load on loopback only, bounded in time and count: ``wrk`` when installed, else threads.

Both keep connections open (keep-alive) and count only 200 answers; any other answer fails
the measurement, since a fast error is not throughput.
"""

import http.client
import re
import shutil
import subprocess
import threading
import time
from urllib.parse import urlsplit

# Hard ceiling of requests per measurement for the Python client, whatever the duration.
MAX_REQUESTS = 200_000


def available_generator(preference="auto"):
    if preference in ("auto", "wrk") and shutil.which("wrk"):
        return "wrk"
    if preference == "wrk":
        raise RuntimeError("wrk is not installed (apt-get install wrk), use --load python")
    return "python"


def requests_per_second(url, *, headers, duration, connections, generator):
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("load is only ever sent to loopback")
    if generator == "wrk":
        return _wrk(url, headers=headers, duration=duration, connections=connections)
    return _threads(url, headers=headers, duration=duration, connections=connections)


def _wrk(url, *, headers, duration, connections):
    seconds = max(1, round(duration))  # wrk counts whole seconds
    args = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    finished = subprocess.run(
        [*args, url], capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed on {url}: {finished.stderr or finished.stdout}")
    output = finished.stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors[1]} answers were not 200\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])


def _threads(url, *, headers, duration, connections):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    deadline = time.monotonic() + duration
    counts, failures = [], []
    lock = threading.Lock()
    budget = [MAX_REQUESTS]

    def worker():
        done = 0
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if budget[0] <= 0:
                        break
                    budget[0] -= 1
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(response.status)
                    break
                done += 1
        finally:
            connection.close()
            counts.append(done)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{url} answered {failures[0]}")
    return sum(counts) / (time.monotonic() - started)
