"""bench/fleet's boto3 contender: a thread pool that, per volume, calls create_snapshot and then waits with the
`snapshot_completed` waiter, as a boto3 user would write it.

    python boto3_fleet.py --volumes-from FILE [--threads 16] [--delay SECONDS] [--report FILE]

Without --delay the waiter runs as botocore ships it (15 s between polls, 40 polls); with it, WaiterConfig
{"Delay": SECONDS}. botocore's waiter polls once at once and sleeps only while the snapshot is still pending.
The endpoint and keys come from the environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...). Prints one JSON line per
volume and writes a report: the HTTP requests botocore sent (retries included), and the seconds spent.
"""

import argparse
import concurrent.futures
import json
import sys
import threading
import time

import boto3
from botocore.config import Config


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volumes-from", required=True)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--delay", type=float, help="the waiter's Delay; botocore's default (15 s) without it")
    parser.add_argument("--report", help="write the request count and timings here as JSON")
    args = parser.parse_args()

    with open(args.volumes_from) as handle:
        volumes = [line.strip() for line in handle if line.strip()]

    started = time.perf_counter()
    # One client shared by the threads, as boto3 documents clients to be thread-safe; its pool fits the threads.
    ec2 = boto3.session.Session().client("ec2", config=Config(max_pool_connections=args.threads))
    sent = [0]
    lock = threading.Lock()

    def count(**_):
        with lock:
            sent[0] += 1

    ec2.meta.events.register("before-send.ec2", count)
    waiter = ec2.get_waiter("snapshot_completed")
    waiter_config = {} if args.delay is None else {"WaiterConfig": {"Delay": args.delay}}
    output_lock = threading.Lock()

    def snapshot(volume_id):
        snapshot_id = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
        waiter.wait(SnapshotIds=[snapshot_id], **waiter_config)
        line = json.dumps({"snapshot_id": snapshot_id, "volume_id": volume_id, "observed_at": time.time()})
        with output_lock:
            print(line, flush=True)

    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        for future in [pool.submit(snapshot, volume_id) for volume_id in volumes]:
            future.result()
    elapsed = time.perf_counter() - started
    if args.report:
        with open(args.report, "w") as handle:
            json.dump({"http_requests": sent[0], "elapsed_seconds": elapsed, "snapshots": len(volumes)}, handle)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
