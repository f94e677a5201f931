#!/usr/bin/env python3
"""A fault-injecting EC2 and STS Query API endpoint on loopback, for snapstep's tests and benchmarks.

moto cannot show a pending snapshot, a throttled call or a lost answer; this server can, on demand. It speaks the
EC2 Query API (POST /, form body, any path) and STS, keeps volumes and snapshots per account and region, and lets
a test script snapshot progress, one-shot and random faults, rate-limit buckets and EC2's per-volume rules through
a JSON control API under /_fault/. Signatures are not verified, but a request must carry one.

    python3 fault_endpoint.py --port 0 [--host 127.0.0.1] [--seed N] [--port-file PATH] [--script FILE]

With --port 0 it binds a free port, prints `listening on http://127.0.0.1:PORT` and writes PORT to --port-file.
SIGTERM or SIGINT stop it. Only the standard library is used. See README.md for the script reference.
"""

import argparse
import http
import http.server
import ipaddress
import json
import os
import signal
import socket
import struct
import sys
import time
import traceback
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from endpoint_core import Core  # noqa: E402  (the sibling modules are found through the path set above)
from wire import XML_CONTENT_TYPE, http_date  # noqa: E402

JSON_CONTENT_TYPE = "application/json"
_REASONS = {status.value: status.phrase for status in http.HTTPStatus}
MAX_LINE = 65536
MAX_HEADERS = 100


class Headers(dict):
    """Request headers by lower-cased name; `get` takes any casing."""

    def get(self, name, default=None):
        return dict.get(self, name.lower(), default)

    def __getitem__(self, name):
        return dict.__getitem__(self, name.lower())


class FaultEndpointServer(http.server.ThreadingHTTPServer):
    """A thread per connection, daemonic so that a stop never waits for a request sleeping in a `delay` fault."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512

    def __init__(self, address, core, verbose=False):
        super().__init__(address, Handler)
        self.core = core
        self.verbose = verbose


class Handler(http.server.BaseHTTPRequestHandler):
    """Routes /_fault/ to the control API and everything else to EC2 or STS, over HTTP/1.1 keep-alive."""

    protocol_version = "HTTP/1.1"
    server_version = "fault-endpoint"

    def setup(self):
        super().setup()
        # Each answer goes out in one write; without this, Nagle's algorithm and delayed ACKs stall keep-alive.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self):
        """Reads one request and answers it.

        This replaces the base class's parser, which builds an `email.message.Message` for the headers and costs
        more than the EC2 work behind most answers. Limits: 64 KiB per line, 100 header lines.
        """
        try:
            line = self.rfile.readline(MAX_LINE + 1)
            if not line:
                self.close_connection = True
                return
            parts = line.decode("latin-1").split()
            if len(line) > MAX_LINE or len(parts) != 3 or not parts[2].startswith("HTTP/1."):
                self.close_connection = True
                self._send_json(400, {"error": "bad request line"})
                return
            self.command, self.path, self.request_version = parts
            self.headers = self._read_headers()
            if self.headers is None:
                self.close_connection = True
                self._send_json(431, {"error": "too many or too long header lines"})
                return
            connection = self.headers.get("Connection", "").lower()
            if self.request_version == "HTTP/1.0":
                self.close_connection = connection != "keep-alive"
            else:
                self.close_connection = connection == "close"
            if self.headers.get("Expect", "").lower() == "100-continue":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self._dispatch()
        except TimeoutError:
            self.close_connection = True

    def _read_headers(self):
        headers = Headers()
        for _ in range(MAX_HEADERS):
            line = self.rfile.readline(MAX_LINE + 1)
            if line in (b"\r\n", b"\n", b""):
                return headers
            if len(line) > MAX_LINE:
                return None
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return None

    def do_POST(self):
        self._dispatch()

    do_GET = do_PUT = do_DELETE = do_POST

    def log_message(self, format, *args):
        if self.server.verbose:
            sys.stderr.write(f"fault-endpoint: {self.address_string()} {format % args}\n")

    def _dispatch(self):
        try:
            path, _, query = self.path.partition("?")
            body = self._read_body()
            if path.startswith("/_fault/"):
                self._control(path, query, body)
            else:
                self._api(path, query, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # A bug must cost one answer, not the server.
            traceback.print_exc(file=sys.stderr)
            self._send_json(500, {"error": "the fault endpoint failed; see its stderr"})

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    # MARK: - EC2 and STS

    def _api(self, path, query, body):
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        if body:
            params.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        core = self.server.core
        answer = core.handle_api(self.command, path, self.headers, params)
        if answer.delay > 0:
            time.sleep(answer.delay)
        if answer.deferred is not None:
            answer = core.run_deferred(answer)
        if answer.close is not None:
            self._drop(hard=answer.close.endswith("reset"))
            return
        headers = [("Content-Type", XML_CONTENT_TYPE), ("x-amzn-RequestId", answer.request_id)]
        self._send(answer.status, answer.body, headers, core.now() + answer.date_offset)

    def _drop(self, hard):
        """Closes the connection without a byte of answer: a FIN, or with `hard` a RST (connection reset)."""
        self.close_connection = True
        if hard:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()
            self.connection.close()

    # MARK: - Control API

    def _control(self, path, query, body):
        core = self.server.core
        arguments = dict(urllib.parse.parse_qsl(query))
        route = (self.command, path.rstrip("/"))
        try:
            payload = json.loads(body) if body.strip() else {}
            if not isinstance(payload, dict):
                raise ValueError("the body is a JSON object")
            if route == ("GET", "/_fault/health"):
                result = {"ok": True, "port": self.server.server_address[1]}
            elif route == ("POST", "/_fault/reset"):
                core.reset(seed=payload.get("seed"))
                result = {"ok": True}
            elif route == ("POST", "/_fault/script"):
                core.merge_script(payload)
                result = {"ok": True}
            elif route == ("GET", "/_fault/script"):
                result = core.script_view()
            elif route == ("GET", "/_fault/requests"):
                result = core.requests_view(int(arguments.get("since", 0)), arguments.get("action"))
            elif route == ("GET", "/_fault/state"):
                result = core.state_view(arguments.get("account"), arguments.get("region"))
            elif route == ("POST", "/_fault/volumes"):
                result = {"volume_ids": core.create_volumes(payload)}
            else:
                self._send_json(404, {"error": f"no control route {self.command} {path}"})
                return
        except (ValueError, TypeError) as error:  # json.JSONDecodeError is a ValueError.
            self._send_json(400, {"error": str(error)})
            return
        self._send_json(200, result)

    def _send_json(self, status, value):
        self._send(status, json.dumps(value).encode(), [("Content-Type", JSON_CONTENT_TYPE)])

    # MARK: - Writing

    def _send(self, status, body, headers, when=None):
        """Writes a whole answer in one call; `when` is the instant the `Date` header shows (default: now)."""
        lines = [
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}",
            f"Date: {http_date(when if when is not None else time.time())}",
            f"Server: {self.server_version}",
            f"Content-Length: {len(body)}",
        ]
        lines += [f"{name}: {value}" for name, value in headers if value]
        if self.close_connection:
            lines.append("Connection: close")
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="fault_endpoint.py", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="the port to listen on; 0 picks a free one (default)")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--seed", type=int, default=0, help="seed for ids, keys, behaviours and random faults")
    parser.add_argument("--port-file", help="write the bound port to this file once listening")
    parser.add_argument("--script", help="a JSON script file to merge before serving")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
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
        print(f"fault_endpoint.py: --host must be an IPv4 loopback address, not {args.host!r}", file=sys.stderr)
        return 2

    core = Core(seed=args.seed)
    if args.script:
        with open(args.script) as handle:
            core.merge_script(json.load(handle))
    server = FaultEndpointServer((args.host, args.port), core, verbose=args.verbose)
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
