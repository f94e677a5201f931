#!/usr/bin/env python3
"""Stands in on loopback for IMDSv2, the container credentials endpoint and STS, for snapstep's credential tests.

    python3 credential_endpoints.py --port 0 [--host 127.0.0.1] [--port-file PATH] [--imds-role NAME]
        [--imds-account ID] [--container-token TOKEN] [--container-account ID] [--web-identity-token TOKEN]

With --port 0 it binds a free port, prints `listening on http://127.0.0.1:PORT` and writes PORT to --port-file.
It uses the standard library only. See README.md beside it for what each path answers.
"""

import argparse
import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
import signal
import string
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
DEFAULT_ACCOUNT = "123456789012"
TOKEN_PATH = "/latest/api/token"
ROLES_PATH = "/latest/meta-data/iam/security-credentials/"
CONTAINER_PATH = "/container-creds"
REDIRECT_PATH = "/redirect"
ROLE_ARN = re.compile(r"arn:aws[\w-]*:iam::(\d{12}):role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]{1,64})\Z")
SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}\Z")
# Every key the stub hands out is `ASIA` + a four-letter source tag + the account, exactly 20 characters, so a test
# reads both where the keys came from and the account they act in.
ISSUED_KEY = re.compile(r"(?:AKIA|ASIA)([A-Z]{4})(\d{12})\Z")
ACCOUNT_KEY = re.compile(r"(?:AKIA|ASIA)(\d{12})")
CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")
SIGNED_HEADERS = re.compile(r"SignedHeaders=([^,\s]+)")
SIGNATURE = re.compile(r"Signature=([0-9a-f]{64})")
SOURCE_TAGS = {"imds": "IMDS", "container": "CONT", "web-identity": "WEBI", "assume-role": "ROLE"}
SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"
SESSION_LIFETIME = 6 * 3600


class StubError(Exception):
    """An STS error answer, rendered in STS's `<ErrorResponse>` envelope."""

    def __init__(self, code, message, status=400):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


class Credentials:
    """One set of temporary keys the stub handed out, and the principal they act as."""

    def __init__(self, source, account, arn, user_id):
        tag = SOURCE_TAGS[source]
        self.source = source
        self.account = account
        self.arn = arn
        self.user_id = user_id
        self.access_key_id = f"ASIA{tag}{account}"[:20]
        # Distinctive and per source, so a test that greps output for them can name the source that leaked.
        self.secret_access_key = f"{tag}secret/" + random_text(29)
        self.session_token = f"{tag}token/" + random_text(180)
        self.expiration = time.time() + SESSION_LIFETIME

    def document(self, token_field="Token"):
        return {
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key,
            token_field: self.session_token,
            "Expiration": iso_time(self.expiration),
        }

    def record(self):
        return {
            "source": self.source,
            "account": self.account,
            "arn": self.arn,
            "access_key_id": self.access_key_id,
            "secret_access_key": self.secret_access_key,
            "session_token": self.session_token,
        }


class State:
    """Everything the stub remembers: its settings, the IMDS session tokens, the keys issued and the requests seen."""

    def __init__(self, settings):
        self.settings = settings
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.imds_tokens = set()
            self.issued = {}
            self.requests = []

    def record(self, entry):
        with self.lock:
            entry["seq"] = len(self.requests)
            self.requests.append(entry)

    def issue(self, source, account, arn, user_id):
        credentials = Credentials(source, account, arn, user_id)
        with self.lock:
            # The key id is fixed per source and account; the latest secret and token win, as on a refresh.
            self.issued[credentials.access_key_id] = credentials
        return credentials

    def issued_for(self, access_key_id):
        with self.lock:
            return self.issued.get(access_key_id)

    def snapshot(self):
        with self.lock:
            return {
                "requests": list(self.requests),
                "issued": [credentials.record() for credentials in self.issued.values()],
            }


def random_text(length):
    """Returns `length` characters of the alphabet AWS's secret keys and session tokens are written in."""
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(length))


def iso_time(timestamp):
    """Formats a POSIX time as AWS's credential documents do: `2026-01-01T12:00:00Z`."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def element(name, value):
    return f"<{name}>{escape(str(value))}</{name}>"


def sts_document(action, body):
    request_id = str(uuid.uuid4())
    return (
        f'<{action}Response xmlns="{STS_NAMESPACE}"><{action}Result>{body}</{action}Result>'
        f"<ResponseMetadata>{element('RequestId', request_id)}</ResponseMetadata></{action}Response>"
    )


def sts_error(error):
    return (
        f'<ErrorResponse xmlns="{STS_NAMESPACE}"><Error><Type>Sender</Type>{element("Code", error.code)}'
        f"{element('Message', error.message)}</Error>{element('RequestId', str(uuid.uuid4()))}</ErrorResponse>"
    )


def credentials_xml(credentials):
    return (
        f"<Credentials>{element('AccessKeyId', credentials.access_key_id)}"
        f"{element('SecretAccessKey', credentials.secret_access_key)}"
        f"{element('SessionToken', credentials.session_token)}"
        f"{element('Expiration', iso_time(credentials.expiration))}</Credentials>"
        f"<AssumedRoleUser>{element('AssumedRoleId', credentials.user_id)}{element('Arn', credentials.arn)}"
        "</AssumedRoleUser>"
    )


def signature_check(method, path, query, headers, body, authorization, secret):
    """Recomputes a SigV4 signature over what arrived; returns `valid`, or `invalid` with the reason."""
    credential = CREDENTIAL.search(authorization)
    signed = SIGNED_HEADERS.search(authorization)
    signature = SIGNATURE.search(authorization)
    amazon_date = headers.get("x-amz-date", "")
    if not (credential and signed and signature and amazon_date):
        return "invalid: the Authorization header or X-Amz-Date is incomplete"
    _, day, region, service = credential.groups()
    names = signed.group(1).split(";")
    if "host" not in names:
        return "invalid: Host is not signed"
    canonical_headers = "".join(f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in names)
    canonical_query = "&".join(sorted(query.split("&"))) if query else ""
    payload = headers.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest()
    canonical = "\n".join([method, path or "/", canonical_query, canonical_headers, ";".join(names), payload])
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amazon_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return "valid" if hmac.compare_digest(expected, signature.group(1)) else "invalid: the signature does not match"


class STS:
    """The three STS actions over the Query API; each returns the result's XML or raises `StubError`."""

    def __init__(self, state):
        self.state = state

    def handle(self, action, params, caller):
        handlers = {
            "GetCallerIdentity": self.get_caller_identity,
            "AssumeRole": self.assume_role,
            "AssumeRoleWithWebIdentity": self.assume_role_with_web_identity,
        }
        handler = handlers.get(action)
        if handler is None:
            raise StubError("InvalidAction", f"Could not find operation {action} for version 2011-06-15")
        return handler(params, caller)

    def get_caller_identity(self, params, caller):
        account, arn, user_id = self.identity(caller)
        return element("Arn", arn) + element("UserId", user_id) + element("Account", account)

    def assume_role(self, params, caller):
        account, role_name, session_name = self.role_request(params)
        arn = f"arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}"
        credentials = self.state.issue("assume-role", account, arn, f"AROASTUBASSUMEROLE:{session_name}")
        return credentials_xml(credentials)

    def assume_role_with_web_identity(self, params, caller):
        if params.get("WebIdentityToken") != self.state.settings.web_identity_token:
            raise StubError("InvalidIdentityToken", "The web identity token is not the one this stub accepts.")
        account, role_name, session_name = self.role_request(params)
        arn = f"arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}"
        credentials = self.state.issue("web-identity", account, arn, f"AROASTUBWEBIDENTITY:{session_name}")
        return credentials_xml(credentials) + element("SubjectFromWebIdentityToken", "credential-endpoints-subject")

    def identity(self, access_key_id):
        issued = self.state.issued_for(access_key_id)
        if issued is not None:
            return issued.account, issued.arn, issued.user_id
        match = ACCOUNT_KEY.match(access_key_id)
        account = match.group(1) if match else DEFAULT_ACCOUNT
        return account, f"arn:aws:iam::{account}:user/credential-endpoints", "AIDASTUBUSER0000001"

    @staticmethod
    def role_request(params):
        match = ROLE_ARN.match(params.get("RoleArn", ""))
        if match is None:
            raise StubError("ValidationError", f"RoleArn {params.get('RoleArn')!r} is not a role ARN.")
        session_name = params.get("RoleSessionName", "")
        if not SESSION_NAME.match(session_name):
            raise StubError("ValidationError", f"RoleSessionName {session_name!r} is not 2-64 of [\\w+=,.@-].")
        return match.group(1), match.group(2), session_name


class Handler(BaseHTTPRequestHandler):
    """One connection; HTTP/1.1 keep-alive, every answer with a Content-Length."""

    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "credential-endpoints"

    def do_GET(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def log_message(self, format, *args):
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def dispatch(self):
        self.extra_headers = []
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        target = urllib.parse.urlsplit(self.path)
        entry = {
            "time": time.time(),
            "method": self.command,
            "target": self.path,
            "path": target.path,
            "headers": headers,
            "action": None,
            "params": {},
            "signed": "authorization" in headers,
            "access_key_id": None,
            "signature": None,
            "status": None,
        }
        # An absolute target means the request came through us as a proxy: record it and answer nothing useful, so a
        # test can prove that traffic for another host never left this machine.
        if target.scheme or not self.path.startswith("/"):
            status, content_type, answer = 502, "text/plain", b"credential-endpoints does not proxy\n"
        elif self.path.startswith("/_stub/"):
            status, content_type, answer = self.control(target.path)
            entry = None
        elif target.path.startswith("/latest/"):
            status, content_type, answer = self.instance_metadata(target.path, headers)
        elif target.path == CONTAINER_PATH:
            status, content_type, answer = self.container(headers)
        elif target.path == REDIRECT_PATH:
            status, content_type, answer = self.redirect(target.query)
        elif self.command == "POST":
            status, content_type, answer = self.sts(entry, target, headers, body)
        else:
            status, content_type, answer = 404, "text/plain", b"not found\n"
        if entry is not None:
            entry["status"] = status
            self.server.state.record(entry)
        self.send(status, content_type, answer)

    def instance_metadata(self, path, headers):
        state = self.server.state
        settings = state.settings
        if path == TOKEN_PATH:
            if self.command != "PUT":
                return 405, "text/plain", b"the token is created with PUT\n"
            ttl = headers.get("x-aws-ec2-metadata-token-ttl-seconds", "")
            if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return 400, "text/plain", b"x-aws-ec2-metadata-token-ttl-seconds must be 1 to 21600\n"
            token = "IMDSsession-" + secrets.token_urlsafe(32)
            with state.lock:
                state.imds_tokens.add(token)
            return 200, "text/plain", token.encode()
        if self.command != "GET":
            return 405, "text/plain", b"metadata is read with GET\n"
        with state.lock:
            authorized = headers.get("x-aws-ec2-metadata-token") in state.imds_tokens
        if not authorized:
            return 401, "text/plain", b"Unauthorized\n"
        if path == ROLES_PATH:
            return 200, "text/plain", settings.imds_role.encode()
        if path == ROLES_PATH + settings.imds_role:
            arn = f"arn:aws:sts::{settings.imds_account}:assumed-role/{settings.imds_role}/i-0123456789abcdef0"
            credentials = state.issue("imds", settings.imds_account, arn, "AROASTUBINSTANCE:i-0123456789abcdef0")
            document = {"Code": "Success", "LastUpdated": iso_time(time.time()), "Type": "AWS-HMAC"}
            document.update(credentials.document())
            return 200, "text/plain", json.dumps(document).encode()
        return 404, "text/plain", b"Not Found\n"

    def container(self, headers):
        state = self.server.state
        settings = state.settings
        if self.command != "GET":
            return 405, "application/json", b'{"message": "use GET"}'
        if headers.get("authorization") != settings.container_token:
            return 403, "application/json", b'{"code": "AccessDenied", "message": "wrong authorization token"}'
        arn = f"arn:aws:sts::{settings.container_account}:assumed-role/stub-task-role/stub-task"
        credentials = state.issue("container", settings.container_account, arn, "AROASTUBCONTAINER:stub-task")
        document = {"RoleArn": f"arn:aws:iam::{settings.container_account}:role/stub-task-role"}
        document.update(credentials.document())
        return 200, "application/json", json.dumps(document).encode()

    def redirect(self, query):
        location = urllib.parse.parse_qs(query).get("to", [""])[-1]
        if not location:
            return 400, "text/plain", b"redirect needs ?to=URL\n"
        self.extra_headers = [("Location", location)]
        return 307, "text/plain", f"see {location}\n".encode()

    def sts(self, entry, target, headers, body):
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        form.update(urllib.parse.parse_qs(target.query, keep_blank_values=True))
        params = {name: values[-1] for name, values in form.items()}
        action = params.get("Action", "")
        entry["action"] = action
        entry["params"] = params
        try:
            caller = self.authenticate(entry, action, target, headers, body)
            answer = sts_document(action, STS(self.server.state).handle(action, params, caller))
            return 200, "text/xml", answer.encode()
        except StubError as error:
            return error.status, "text/xml", sts_error(error).encode()

    def authenticate(self, entry, action, target, headers, body):
        """Checks what AWS checks of a caller and returns its access key id, or `None` for an unsigned call."""
        authorization = headers.get("authorization")
        if action == "AssumeRoleWithWebIdentity":
            # STS takes this call unsigned; a signed one means the client signed with keys it should not have.
            if authorization is not None:
                raise StubError("SignedWebIdentityCall", "AssumeRoleWithWebIdentity must be sent unsigned.", 400)
            return None
        if authorization is None:
            raise StubError("MissingAuthenticationToken", "Request is missing Authentication Token", 403)
        credential = CREDENTIAL.search(authorization)
        if credential is None:
            raise StubError("IncompleteSignature", "The Authorization header names no credential scope.", 403)
        access_key_id = credential.group(1)
        entry["access_key_id"] = access_key_id
        issued = self.server.state.issued_for(access_key_id)
        if issued is None and ISSUED_KEY.match(access_key_id):
            raise StubError("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
        if issued is None:
            entry["signature"] = "unchecked"
            return access_key_id
        # Keys the stub issued are checked in full: the session token and the signature made with the secret.
        if headers.get("x-amz-security-token") != issued.session_token:
            raise StubError("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
        check = signature_check(self.command, target.path, target.query, headers, body, authorization,
                                issued.secret_access_key)
        entry["signature"] = check
        if check != "valid":
            raise StubError("SignatureDoesNotMatch", f"The request signature is {check}.", 403)
        return access_key_id

    def control(self, path):
        state = self.server.state
        if path == "/_stub/health":
            return 200, "application/json", json.dumps({"ok": True}).encode()
        if path == "/_stub/requests" and self.command == "GET":
            return 200, "application/json", json.dumps(state.snapshot()).encode()
        if path == "/_stub/reset" and self.command == "POST":
            state.reset()
            return 200, "application/json", json.dumps({"ok": True}).encode()
        return 404, "application/json", json.dumps({"message": f"no control path {path}"}).encode()

    def send(self, status, content_type, body):
        self.send_response(status)
        for name, value in self.extra_headers:
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, state, verbose):
        super().__init__(address, Handler)
        self.state = state
        self.verbose = verbose


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="credential_endpoints.py", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="the port to listen on; 0 picks a free one (default)")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port-file", help="write the bound port to this file once listening")
    parser.add_argument("--imds-role", default="snapstep-stub-instance-role", help="the instance's role name")
    parser.add_argument("--imds-account", default="444444444444", help="the account of the instance's role")
    parser.add_argument("--container-token", default="stub-container-authorization-token",
                        help="the Authorization value /container-creds requires")
    parser.add_argument("--container-account", default="555555555555", help="the account of the task's role")
    parser.add_argument("--web-identity-token", default="stub-web-identity-token",
                        help="the WebIdentityToken AssumeRoleWithWebIdentity accepts")
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
        print(f"credential_endpoints.py: --host must be an IPv4 loopback address, not {args.host!r}", file=sys.stderr)
        return 2
    for name in ("imds_account", "container_account"):
        if not re.fullmatch(r"\d{12}", getattr(args, name)):
            print(f"credential_endpoints.py: --{name.replace('_', '-')} must be 12 digits", file=sys.stderr)
            return 2

    server = Server((args.host, args.port), State(args), verbose=args.verbose)
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
