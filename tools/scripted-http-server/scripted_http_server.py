#!/usr/bin/env python3
"""A scriptable HTTP/1.1 server on loopback for snapstep's transport tests: it keeps connections alive, records every
request with the connection it came on, and does what the request's path asks.

    python3 scripted_http_server.py --port 0 [--host 127.0.0.1] [--port-file PATH]

With --port 0 it binds a free port, prints `listening on http://127.0.0.1:PORT` and writes PORT to --port-file.
It uses the standard library only. See README.md beside it for what each path answers.
"""

import argparse
import base64
import ipaddress
import json
import os
import select
import signal
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONTROL_PREFIX = "/_script/"


class State:
    """What the server has seen: the requests in arrival order and the connections, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.next_connection_id = 0
        self.connections = 0
        self.open_connections = 0
        self.max_open_connections = 0
        self.drop_keys = set()

    def accept_connection(self):
        with self.lock:
            self.next_connection_id += 1
            return self.next_connection_id

    def use_connection(self):
        """Counts a connection once its first request other than a control call arrives."""
        with self.lock:
            self.connections += 1
            self.open_connections += 1
            self.max_open_connections = max(self.max_open_connections, self.open_connections)

    def close_connection(self):
        with self.lock:
            self.open_connections -= 1

    def record(self, entry):
        with self.lock:
            entry["seq"] = len(self.requests)
            self.requests.append(entry)

    def set_outcome(self, entry, outcome):
        with self.lock:
            entry["outcome"] = outcome

    def should_drop(self, key):
        """Whether this is the first request with `key`, which `/drop-once` drops."""
        with self.lock:
            if key in self.drop_keys:
                return False
            self.drop_keys.add(key)
            return True

    def snapshot(self):
        with self.lock:
            return {
                "requests": [dict(entry) for entry in self.requests],
                "connections": self.connections,
                "max_open_connections": self.max_open_connections,
            }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "scripted-http-server"
    sys_version = ""

    def setup(self):
        super().setup()
        self.connection_id = self.server.state.accept_connection()
        self.index_on_connection = 0

    def finish(self):
        try:
            super().finish()
        finally:
            if self.index_on_connection > 0:
                self.server.state.close_connection()

    def log_message(self, format, *args):
        if self.server.verbose:
            sys.stderr.write(f"connection {self.connection_id}: {format % args}\n")

    def do_GET(self):
        self.serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def serve(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        if url.path.startswith(CONTROL_PREFIX):
            self.serve_control(url.path)
            return

        self.index_on_connection += 1
        if self.index_on_connection == 1:
            self.server.state.use_connection()
        entry = {
            "connection": self.connection_id,
            "index": self.index_on_connection,
            "method": self.command,
            "path": url.path,
            "query": query,
            "headers": [[name, value] for name, value in self.headers.items()],
            "body": base64.b64encode(body).decode("ascii"),
            "outcome": "pending",
        }
        self.server.state.record(entry)

        if url.path == "/echo":
            self.serve_echo(entry, query, body)
        elif url.path == "/respond":
            self.serve_scripted_answer(entry, query)
        elif url.path == "/redirect":
            status = int(query.get("status", "302"))
            self.answer(entry, status, [("Location", query.get("to", "/landing"))], b"")
        elif url.path == "/drop-once" and self.server.state.should_drop(query.get("key", "")):
            self.drop(entry)
        else:
            self.answer(entry, 200, [("Content-Type", "text/plain")], body)

    def serve_echo(self, entry, query, body):
        """Waits `ms` milliseconds, unless the client gives up first, then answers with the request body."""
        deadline = time.monotonic() + int(query.get("ms", "0")) / 1000
        while (remaining := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], remaining)
            if readable and self.connection.recv(1, socket.MSG_PEEK) == b"":
                self.server.state.set_outcome(entry, "abandoned")
                self.close_connection = True
                return
            if readable:
                # Bytes of a pipelined request: not something the client under test sends, so just wait on.
                time.sleep(remaining)
        self.answer(entry, 200, [("Content-Type", "application/octet-stream")], body)

    def serve_scripted_answer(self, entry, query):
        """Answers `status` with a body of `size` bytes counting 0 to 255 over and over, and fixed headers."""
        size = int(query.get("size", "0"))
        body = bytes(index % 256 for index in range(size))
        headers = [
            ("Content-Type", "application/octet-stream"),
            ("X-Amzn-RequestId", "0f6bd1ac-4c8e-4e0f-9a51-7d2b3c1e8a90"),
            ("X-Mixed-CASE-Name", "Value, with: punctuation"),
        ]
        self.answer(entry, int(query.get("status", "200")), headers, body)

    def drop(self, entry):
        """Closes the connection without a byte of answer, as an endpoint does that closed an idle connection just as
        the request arrived."""
        self.server.state.set_outcome(entry, "dropped")
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def answer(self, entry, status, headers, body):
        # Recorded first: a client that has the answer may read the log before this thread runs again.
        self.server.state.set_outcome(entry, "answered")
        self.send_response(status)
        self.send_header("X-Connection", str(self.connection_id))
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def serve_control(self, path):
        if path == CONTROL_PREFIX + "health":
            body = b"ok\n"
        elif path == CONTROL_PREFIX + "requests":
            body = json.dumps(self.server.state.snapshot()).encode("utf-8")
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # Two hundred calls may arrive at once; the default backlog of five would refuse some.
    request_queue_size = 256

    def __init__(self, address, verbose):
        super().__init__(address, Handler)
        self.state = State()
        self.verbose = verbose


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="scripted_http_server.py", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="the port to listen on; 0 picks a free one (default)")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port-file", help="write the bound port to this file once listening")
    parser.add_argument("--verbose", action="store_true", help="log every request to standard error")
    return parser.parse_args(argv)


def write_port_file(path, port):
    # Written beside and renamed over, so that a reader polling for the file never sees half a number.
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w") as handle:
        handle.write(f"{port}\n")
    os.replace(temporary, path)


def main(argv):
    args = parse_arguments(argv)
    try:
        if not ipaddress.IPv4Address(args.host).is_loopback:
            raise ValueError
    except ValueError:
        print(f"scripted_http_server.py: --host must be an IPv4 loopback address, not {args.host!r}", file=sys.stderr)
        return 2

    server = Server((args.host, args.port), verbose=args.verbose)
    port = server.server_address[1]

    def stop(signal_number, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        if args.port_file:
            write_port_file(args.port_file, port)
        print(f"listening on http://{args.host}:{port}", flush=True)
        server.serve_forever(poll_interval=0.5)
    finally:
        server.server_close()
        if args.port_file:
            try:
                os.remove(args.port_file)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
