"""A real SMTP server (aiosmtpd) whose answers a test scripts, recording what it accepted."""

import asyncio
import email
import email.policy
import socket
import threading
import time
from collections import deque

from aiosmtpd.controller import Controller


def free_port():
    """A TCP port nothing listens on right now (the OS picks it at random)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScriptedHandler:
    """Answers each DATA with the next scripted reply ("451 ...", "550 ...", "hang"), else 250.

    ``hang`` keeps the client waiting until ``release`` is set (to kill a worker mid-send),
    then answers 451 to whoever is still listening. Only messages answered 250 count as
    delivered.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.script = deque()
        self.rcpt_replies = {}
        self.delivered = []
        self.rcpt_attempts = 0
        self.data_attempts = 0
        self.hanging = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpt_attempts += 1
        reply = self.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_attempts += 1
            action = self.script.popleft() if self.script else "250"
        if action == "hang":
            self.hanging.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Aborted while the client was away"
        if not action.startswith("250"):
            return action
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.delivered.append(message)
        return "250 2.0.0 Accepted"

    def messages(self):
        with self.lock:
            return list(self.delivered)

    def message_ids(self):
        return [message["Message-ID"] for message in self.messages()]


class SMTPServer:
    def __init__(self):
        self.handler = ScriptedHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.handler.release.set()
        self.controller.stop()


def wait_for(predicate, *, timeout, message, details=None, interval=0.1):
    """Poll ``predicate`` until it is truthy; fail with ``message`` after ``timeout`` seconds.

    ``details``: a callable whose text is added to the failure (a worker's log, say).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            extra = f"\n{details()}" if details else ""
            raise AssertionError(f"{message} (waited {timeout:.0f} s){extra}")
        time.sleep(interval)
