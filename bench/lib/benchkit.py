"""Helpers shared by the benchmarks under bench/: the venv, the release build, the local endpoints, measuring a child.

Every benchmark talks to an endpoint it starts itself on loopback, and stops it by its PID on the way out. Nothing
here reads ~/.aws or reaches AWS: clients get throwaway keys and a home directory of their own.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
VENV = REPO_ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
BENCH_VENV = REPO_ROOT / ".venv-bench"
FAULT_ENDPOINT = REPO_ROOT / "tools" / "fault-endpoint" / "fault_endpoint.py"
REGION = "us-east-1"
ACCOUNT = "123456789012"

# Loopback only: a proxy from the environment must never see this traffic.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def ensure_running_in_venv(script, with_bench_venv=False):
    """Runs bench/setup (.venv, /usr/bin/time, and .venv-bench when asked), then starts `script` again inside .venv."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    setup = [REPO_ROOT / "bench" / "setup"] + ([] if with_bench_venv else ["--no-peers"])
    subprocess.run(setup, check=True)
    os.execv(VENV_PYTHON, [str(VENV_PYTHON), str(Path(script).resolve()), *sys.argv[1:]])


def build_snapstep(prebuilt=None):
    """Returns the release binary: `prebuilt` when given, else `swift build -c release` (SNAPSTEP_SCRATCH_PATH)."""
    if prebuilt:
        path = Path(prebuilt).resolve()
        if not os.access(path, os.X_OK):
            sys.exit(f"bench: --snapstep {prebuilt} is not an executable")
        return path
    flags = ["--package-path", str(REPO_ROOT), "-c", "release"]
    if os.environ.get("SNAPSTEP_SCRATCH_PATH"):
        flags += ["--scratch-path", os.environ["SNAPSTEP_SCRATCH_PATH"]]
    print("bench: building snapstep (release)", file=sys.stderr)
    build = subprocess.run(["swift", "build", *flags, "--product", "snapstep"], capture_output=True, text=True)
    if build.returncode != 0:
        sys.exit(f"bench: swift build failed:\n{build.stdout}{build.stderr}")
    bin_path = subprocess.run(["swift", "build", *flags, "--show-bin-path"], capture_output=True, text=True, check=True)
    return Path(bin_path.stdout.strip()) / "snapstep"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_average():
    """The 1, 5 and 15 minute load averages, as /proc/loadavg shows them."""
    return tuple(float(value) for value in Path("/proc/loadavg").read_text().split()[:3])


def cpu_count():
    return os.cpu_count() or 1


def http_json(url, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with _OPENER.open(request, timeout=timeout) as answer:
        return json.loads(answer.read())


def client_environment(endpoint, home, region=REGION, access_key="testing", extra=None):
    """The environment every client under test gets: throwaway keys, the endpoint, no ~/.aws, no proxy."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(Path(home) / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(Path(home) / "no-aws-credentials"),
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    environment.update(extra or {})
    return environment


class Measured:
    """What running one command cost: exit status, wall seconds, peak RSS (MiB), CPU seconds, and its output files."""

    def __init__(self, returncode, wall, max_rss_kib, user, system, stdout_path, stderr_path, started, ended):
        self.returncode = returncode
        self.wall = wall
        self.max_rss_mib = max_rss_kib / 1024
        self.cpu = user + system
        self.stdout_path = stdout_path
        self.stderr_path = stderr_path
        self.started = started
        self.ended = ended

    def stdout(self):
        return Path(self.stdout_path).read_text()

    def stderr(self):
        return Path(self.stderr_path).read_text()


GNU_TIME = "/usr/bin/time"


def timed_command(command, usage_path):
    """Wraps `command` in GNU time, which writes the child's peak RSS (KiB) and CPU seconds to `usage_path`.

    Not wait4(2) on our own child: Linux carries the RSS high-water mark of the process that forks (or vforks) into
    the child's ru_maxrss, so a child of this Python process reports at least this process's RSS. GNU time is a small
    C program, so what it reports is the command's own.
    """
    if not os.access(GNU_TIME, os.X_OK):
        raise RuntimeError(f"{GNU_TIME} is missing; bench/setup installs it (Debian package time)")
    return [GNU_TIME, "-f", "%M %U %S", "-o", str(usage_path), *[str(part) for part in command]]


def read_usage(usage_path):
    """Returns (peak RSS KiB, user s, system s) from the file GNU time wrote; its last line (a command killed by a
    signal adds a line before it)."""
    last = Path(usage_path).read_text().strip().splitlines()[-1].split()
    return int(last[0]), float(last[1]), float(last[2])


def run_measured(command, environment, out_dir, name, stdin_path=None):
    """Runs `command` to the end under GNU time: the command's own peak RSS and CPU, and the wall time.

    stdout and stderr go to files in `out_dir`, so a large output costs the measured child no pipe back-pressure.
    `started` and `ended` are wall-clock (time.time()) stamps, for lining up with the endpoint's records.
    """
    stdout_path = Path(out_dir) / f"{name}.stdout"
    stderr_path = Path(out_dir) / f"{name}.stderr"
    usage_path = Path(out_dir) / f"{name}.usage"
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            started = time.time()
            clock = time.perf_counter()
            child = subprocess.Popen(timed_command(command, usage_path), env=environment, stdin=stdin, stdout=out,
                                     stderr=err)
            child.wait()
            wall = time.perf_counter() - clock
            ended = time.time()
        finally:
            if stdin_path:
                stdin.close()
    max_rss, user, system = read_usage(usage_path)
    return Measured(child.returncode, wall, max_rss, user, system, stdout_path, stderr_path, started, ended)


class Server:
    """A server child in a session of its own (so Ctrl-C reaches only us), stopped by its PID."""

    process = None
    log = None

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()


class FaultEndpoint(Server):
    """tools/fault-endpoint on a free loopback port, with its control API."""

    name = "fault-endpoint"
    records_requests = True

    def __init__(self, log_dir, seed=1):
        port_file = Path(tempfile.mkdtemp(dir=log_dir)) / "port"
        self.log = open(Path(log_dir) / "fault-endpoint.log", "wb")
        self.process = subprocess.Popen(
            [VENV_PYTHON, FAULT_ENDPOINT, "--port", "0", "--seed", str(seed), "--port-file", port_file],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while not port_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the fault endpoint did not start; see {self.log.name}")
            time.sleep(0.05)
        self.port = int(port_file.read_text())
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.control("GET", "health")

    def control(self, method, path, body=None):
        return http_json(f"{self.endpoint}/_fault/{path}", body if method == "POST" else None)

    def reset(self, script=None, seed=None):
        self.control("POST", "reset", {} if seed is None else {"seed": seed})
        if script:
            self.control("POST", "script", script)

    def create_volumes(self, count, region=REGION, account=ACCOUNT):
        ids = []
        while len(ids) < count:
            batch = min(10_000, count - len(ids))
            ids += self.control("POST", "volumes", {"count": batch, "region": region, "account": account})["volume_ids"]
        return ids

    def requests(self, since=0):
        return self.control("GET", f"requests?since={since}")["requests"]

    def state(self, region=None):
        return self.control("GET", "state" + (f"?region={region}" if region else ""))


class MotoServer(Server):
    """moto_server from .venv on a free loopback port (as scripts/lib/moto.sh starts it)."""

    name = "moto"
    records_requests = False

    def __init__(self, log_dir):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log = open(Path(log_dir) / "moto.log", "wb")
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(log_dir),
                       "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
        self.process = subprocess.Popen([VENV / "bin" / "moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
                                        env=environment, start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self.process.returncode}; see {self.log.name}")
            try:
                _OPENER.open(f"{self.endpoint}/moto-api/data.json", timeout=1).read()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"moto_server did not answer on port {self.port} within 30 s")
                time.sleep(0.1)

    def reset(self, script=None, seed=None):
        if script:
            raise RuntimeError("moto takes no fault script")
        _OPENER.open(urllib.request.Request(f"{self.endpoint}/moto-api/reset", data=b"", method="POST")).read()

    def create_volumes(self, count, region=REGION, account=ACCOUNT):
        import concurrent.futures

        import boto3
        from botocore.config import Config

        ec2 = boto3.client("ec2", endpoint_url=self.endpoint, region_name=region, aws_access_key_id="testing",
                           aws_secret_access_key="testing", config=Config(max_pool_connections=16))
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            return list(pool.map(lambda _: ec2.create_volume(AvailabilityZone=f"{region}a", Size=1)["VolumeId"],
                                 range(count)))


def percentile(values, fraction):
    """The nearest-rank percentile of `values` (fraction in 0..1), or None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


def print_table(headers, rows, out=sys.stdout):
    """Prints rows under headers, left-aligning the first column and right-aligning the rest."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[index]) for row in cells) for index in range(len(headers))]
    for number, row in enumerate(cells):
        line = "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
        print(line.rstrip(), file=out)
        if number == 0:
            print("  ".join("-" * width for width in widths), file=out)


def fmt(value, digits=2, suffix=""):
    """Formats a number for a table; None (not measured) becomes an en dash."""
    if value is None:
        return "–"
    return f"{value:.{digits}f}{suffix}"
