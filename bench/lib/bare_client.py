"""bench/fleet's ceiling: the fewest, cheapest requests that snapshot N volumes and see them complete.

    python bare_client.py --volumes-from FILE [--concurrency 32] [--poll-interval 0.25] [--report FILE]

N CreateSnapshot requests, then DescribeSnapshots with a `snapshot-id` filter of up to 200 ids per request, all
sent by `--concurrency` threads over keep-alive http.client connections. The CreateSnapshot requests are signed
(botocore's SigV4Auth) before the clock starts; the few DescribeSnapshots ones are signed when their ids are known.
Answers are read with a regular expression, not an XML parser. Snapshots still pending are polled again after
--poll-interval. The endpoint and keys come from the environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...).

Writes a report: the requests sent, and `request_seconds`, from the first request to the last answer.
"""

import argparse
import http.client
import json
import os
import queue
import re
import sys
import threading
import time
import urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

VERSION = "2016-11-15"
BATCH = 200
SNAPSHOT_ID = re.compile(rb"<snapshotId>(snap-[0-9a-f]+)</snapshotId>")
ITEM = re.compile(rb"<snapshotId>(snap-[0-9a-f]+)</snapshotId>.*?<status>([a-z]+)</status>", re.S)


class Signer:
    def __init__(self, endpoint, region):
        self.endpoint = endpoint.rstrip("/") + "/"
        self.auth = SigV4Auth(
            Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"],
                        os.environ.get("AWS_SESSION_TOKEN")), "ec2", region)

    def sign(self, params):
        body = urllib.parse.urlencode({"Version": VERSION, **params})
        request = AWSRequest("POST", self.endpoint, data=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        self.auth.add_auth(request)
        return body.encode(), dict(request.headers.items())


class Pool:
    """`size` threads, each with one keep-alive connection, running (body, headers) requests from a queue."""

    def __init__(self, host, port, size):
        self.jobs = queue.Queue()
        self.sent = 0
        self.failures = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.work, args=(host, port), daemon=True) for _ in range(size)]
        for thread in self.threads:
            thread.start()

    def work(self, host, port):
        connection = http.client.HTTPConnection(host, port, timeout=60)
        while True:
            job = self.jobs.get()
            if job is None:
                return
            (body, headers), done = job
            try:
                connection.request("POST", "/", body=body, headers=headers)
                answer = connection.getresponse()
                payload = answer.read()
                status = answer.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
                status, payload = None, str(error).encode()
            with self.lock:
                self.sent += 1
                if status != 200:
                    self.failures.append((status, payload[:300]))
            done(status, payload)

    def run_all(self, requests):
        """Sends every request and returns the answers in order; a failed request is not retried (it is counted)."""
        answers = [None] * len(requests)
        remaining = threading.Semaphore(0)

        def finisher(index):
            def done(status, payload):
                answers[index] = (status, payload)
                remaining.release()
            return done

        for index, request in enumerate(requests):
            self.jobs.put((request, finisher(index)))
        for _ in requests:
            remaining.acquire()
        return answers

    def close(self):
        for _ in self.threads:
            self.jobs.put(None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volumes-from", required=True)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--poll-interval", type=float, default=0.25)
    parser.add_argument("--report", help="write the request count and timings here as JSON")
    args = parser.parse_args()

    endpoint = os.environ["AWS_ENDPOINT_URL"]
    parts = urllib.parse.urlsplit(endpoint)
    signer = Signer(endpoint, os.environ.get("AWS_REGION", "us-east-1"))
    with open(args.volumes_from) as handle:
        volumes = [line.strip() for line in handle if line.strip()]
    creates = [signer.sign({"Action": "CreateSnapshot", "VolumeId": volume_id}) for volume_id in volumes]
    pool = Pool(parts.hostname, parts.port, args.concurrency)

    started = time.perf_counter()
    snapshot_ids = []
    for status, payload in pool.run_all(creates):
        match = SNAPSHOT_ID.search(payload) if status == 200 else None
        if match:
            snapshot_ids.append(match.group(1).decode())
    created_at = time.perf_counter()

    pending = list(snapshot_ids)
    completed = 0
    polls = 0
    while pending:
        batches = [pending[start:start + BATCH] for start in range(0, len(pending), BATCH)]
        describes = []
        for batch in batches:
            params = {"Action": "DescribeSnapshots", "Filter.1.Name": "snapshot-id"}
            params.update({f"Filter.1.Value.{number}": snapshot_id for number, snapshot_id in enumerate(batch, 1)})
            describes.append(signer.sign(params))
        polls += len(describes)
        still = []
        for batch, (status, payload) in zip(batches, pool.run_all(describes)):
            states = {match.group(1).decode(): match.group(2).decode() for match in ITEM.finditer(payload or b"")}
            for snapshot_id in batch:
                state = states.get(snapshot_id)
                if state == "completed":
                    completed += 1
                elif state != "error":
                    still.append(snapshot_id)
        pending = still
        if pending:
            time.sleep(args.poll_interval)
    finished = time.perf_counter()
    pool.close()

    report = {
        "http_requests": pool.sent,
        "create_requests": len(creates),
        "describe_requests": polls,
        "created": len(snapshot_ids),
        "completed": completed,
        "failures": [[status, payload.decode("utf-8", "replace")] for status, payload in pool.failures[:5]],
        "failed_requests": len(pool.failures),
        "create_seconds": created_at - started,
        "request_seconds": finished - started,
    }
    if args.report:
        with open(args.report, "w") as handle:
            json.dump(report, handle)
    print(json.dumps(report))
    return 0 if completed == len(volumes) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
