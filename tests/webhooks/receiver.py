"""A real HTTP receiver on 127.0.0.1 (a thread running ``http.server``) whose answers a test
scripts, recording every request it got."""

import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """``script`` holds the next answers (a status code, or ``("redirect", url)``); once it
    is empty every request gets ``default`` (200)."""

    def __init__(self, default=200, host="127.0.0.1"):
        self.default = default
        self.lock = threading.Lock()
        self.script = deque()
        self.requests = []  # (path, headers as a dict, body as text)
        self.host = host
        self.server = ThreadingHTTPServer((host, 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self):
        return self.server.server_address[1]

    def url(self, path="/hook"):
        return f"http://{self.host}:{self.port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def received(self, path=None):
        with self.lock:
            return [r for r in self.requests if path is None or r[0] == path]

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                with receiver.lock:
                    receiver.requests.append((self.path, dict(self.headers.items()), body))
                    answer = receiver.script.popleft() if receiver.script else receiver.default
                if isinstance(answer, tuple):
                    self.send_response(302)
                    self.send_header("Location", answer[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                text = f"answer {answer}".encode()
                self.send_response(answer)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args):
                pass

        return Handler
