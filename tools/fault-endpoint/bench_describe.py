"""Measures DescribeSnapshots requests per second against a fresh fault endpoint, from one Python client.

    ../../.venv/bin/python bench_describe.py [--seconds 5] [--snapshots 10000]

Two loops run one after the other: boto3 (what a Python tool sees, client-bound) and a raw HTTP/1.1 keep-alive
client (close to the server's own ceiling for one connection). The world is first filled with `--snapshots`
snapshots over 1000 volumes, so the numbers show that a describe costs what it returns, not what the world holds.
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = "us-east-1"
AUTHORIZATION = ("AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/ec2/aws4_request, "
                 "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64)


def start_server(folder):
    port_file = os.path.join(folder, "port")
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "fault_endpoint.py"), "--port", "0",
                               "--port-file", port_file], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    return server, int(line.rsplit(":", 1)[1])


def raw_call(connection, params):
    body = urllib.parse.urlencode(params)
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Authorization": AUTHORIZATION,
               "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())}
    connection.request("POST", "/", body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(data.decode())
    return data


def fill(port, snapshots):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("POST", "/_fault/volumes", body=json.dumps({"count": 1000, "region": REGION}))
    volumes = json.loads(connection.getresponse().read())["volume_ids"]
    last = None
    for index in range(snapshots):
        data = raw_call(connection, {"Action": "CreateSnapshot", "Version": "2016-11-15",
                                     "VolumeId": volumes[index % len(volumes)]})
        last = data.split(b"<snapshotId>")[1].split(b"</snapshotId>")[0].decode()
    connection.close()
    return last, volumes[(snapshots - 1) % len(volumes)]


def server_cpu(pid):
    """Returns the server's user + system CPU seconds from /proc, or None off Linux."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(label, seconds, call, pid):
    count = 0
    server_before = server_cpu(pid)
    client_before = time.process_time()
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        call()
        count += 1
    rate = count / (time.perf_counter() - started)
    client = (time.process_time() - client_before) / count * 1e6
    server_after = server_cpu(pid)
    server = "?" if server_before is None else f"{(server_after - server_before) / count * 1e6:.0f}"
    print(f"{label:52s} {rate:7.0f} requests/s   CPU per request: client {client:5.0f} us, server {server:>4s} us")
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--snapshots", type=int, default=10000)
    args = parser.parse_args()
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1"

    with tempfile.TemporaryDirectory() as folder:
        server, port = start_server(folder)
        try:
            started = time.perf_counter()
            snapshot_id, volume_id = fill(port, args.snapshots)
            elapsed = time.perf_counter() - started
            print(f"created {args.snapshots} snapshots in {elapsed:.1f} s ({args.snapshots / elapsed:.0f}/s)")

            connection = http.client.HTTPConnection("127.0.0.1", port)
            by_id = {"Action": "DescribeSnapshots", "Version": "2016-11-15", "SnapshotId.1": snapshot_id}
            by_volume = {"Action": "DescribeSnapshots", "Version": "2016-11-15", "Owner.1": "self",
                         "Filter.1.Name": "volume-id", "Filter.1.Value.1": volume_id, "MaxResults": "100"}
            measure("raw keep-alive, SnapshotId.1", args.seconds, lambda: raw_call(connection, by_id), server.pid)
            measure("raw keep-alive, volume-id filter (10 snapshots)", args.seconds,
                    lambda: raw_call(connection, by_volume), server.pid)

            import boto3
            from botocore.config import Config
            ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=f"http://127.0.0.1:{port}",
                               aws_access_key_id="testing", aws_secret_access_key="testing",
                               config=Config(retries={"total_max_attempts": 1}))
            measure("boto3 describe_snapshots(SnapshotIds=[id])", args.seconds,
                    lambda: ec2.describe_snapshots(SnapshotIds=[snapshot_id]), server.pid)
            measure("boto3 describe_snapshots(volume-id filter, 10)", args.seconds,
                    lambda: ec2.describe_snapshots(OwnerIds=["self"], MaxResults=100, Filters=[
                        {"Name": "volume-id", "Values": [volume_id]}]), server.pid)
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
