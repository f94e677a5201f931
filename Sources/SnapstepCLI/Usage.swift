/// The help texts, with the exit codes scripts rely on.
enum Usage {
    static let version = "0.1.0"

    static let exitCodes = """
        Exit codes:
          0    the snapshot completed (or was created, with --no-wait)
          2    bad input; nothing was sent to AWS
          3    credentials, permission or account mismatch
          4    the volume was not found in that region and account
          5    the snapshot reached state error (AWS's message is reported)
          6    the time limit passed while the snapshot was still pending
          7    AWS kept throttling or failing after retries
          130  interrupted (Ctrl-C, SIGTERM); the snapshot is kept and its id printed (after a second
               Ctrl-C, the operation_id of a CreateSnapshot still in flight)
          1    anything else, such as an endpoint that cannot be reached (code endpoint_unreachable)
          8    snapstep audit verify found the audit trail damaged
          9    stdout could not be written (closed, full, or its reader went away): what it would carry went to
               stderr as the same JSON lines, after one sentence saying so; this code replaces any other
        On failure stdout carries {"error": {"code", "message", "snapshot_id", ...}} and stderr one sentence.
        """

    static let main = """
        snapstep \(version): safe, reversible EBS snapshot steps for cost automations.

        Usage:
          snapstep snapshot --volume vol-… [options]   create a snapshot and wait until it completes
          snapstep wait snap-… [options]               wait for an existing snapshot to complete
          snapstep whoami [--integration NAME] [--account A]
                                                       show the account, principal, region and credentials source
          snapstep integrations [--config FILE]        list the configured integrations, without secrets
          snapstep run FILE [--param K=V]… [--dry-run] run a workflow (snapshot first, delete safely, restore)
          snapstep resume|approve|reject|undo RUN      carry on, decide, or undo a workflow run
          snapstep audit list|show|verify|export       read and check the tamper-evident audit trail
          snapstep help [COMMAND]                      show help

        Run `snapstep snapshot --help` for the snapshot options.

        \(exitCodes)
        """

    static let snapshot = """
        Usage: snapstep snapshot --volume vol-… [options]

        Creates an EBS snapshot of the volume, waits until AWS reports it completed, and prints
        {"snapshot_id": "snap-…", "wait_time": SECONDS, ...} on stdout.

        Options:
          --volume ID           the volume to snapshot (vol- and 8 or 17 hex digits)
          --region R            the region (default: the integration's, else AWS_REGION, AWS_DEFAULT_REGION,
                                or the profile's region)
          --account ID          refuse to act unless the credentials act in this 12-digit account
          --integration NAME    use a named integration from the config file
          --config FILE         the integrations file (default: $SNAPSTEP_CONFIG, else
                                ~/.config/snapstep/config.json)
          --tag KEY=VALUE       add a tag to the snapshot; repeatable; the value may be empty
          --description TEXT    the snapshot's description
          --timeout DURATION    the time limit from the start, such as 90s, 15m, 6h (default 6h)
          --no-wait             return right after creation, with state pending
          --operation-id ID     make the command idempotent: run again with the same ID (after a crash or
                                kill), it finds the snapshot this operation made and resumes waiting on it
          --verbose             log each AWS call to stderr
          --log-level LEVEL     trace, debug, info, warning or error
          -h, --help            show this help

        Many volumes (JSON lines, one per volume, then a summary line):
          --volume ID …         repeated: each volume
          --volumes-from FILE   one volume id a line, or JSON lines {"volume_id", "region", "account_id"};
                                - reads standard input
          --filter NAME=VALUE   a DescribeVolumes filter, such as status=available or tag:Env=dev; repeatable
          --older-than AGE      only volumes created at least AGE ago, such as 30d, 12h or 1d12h
                                (a selector: not together with --volume or --volumes-from)
          --account A,B --region R1,R2
                                every account with every region
          --concurrency N       CreateSnapshot calls in flight per account and region (1 to 1000, default 32)
          --rate-limits SPEC    off, default, or CLASS=BURST/REFILL items such as create=100/5,describe=100/20

        Without --integration, credentials, region and endpoints come from the standard AWS environment:
        AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE, AWS_REGION,
        AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL.

        Every snapshot is tagged snapstep:tool, snapstep:operation-id and snapstep:source-volume.

        \(exitCodes)
        """

    static let wait = """
        Usage: snapstep wait snap-… [options]

        Waits until an existing snapshot completes and prints the same JSON as snapstep snapshot; wait_time is
        counted from the snapshot's start time as AWS reports it.

        Options:
          --region R            the region (default as for snapstep snapshot)
          --account ID          refuse to act unless the credentials act in this 12-digit account
          --integration NAME    use a named integration from the config file
          --config FILE         the integrations file
          --timeout DURATION    the time limit from the start, such as 90s, 15m, 6h (default 6h)
          --verbose             log each AWS call to stderr
          --log-level LEVEL     trace, debug, info, warning or error
          -h, --help            show this help

        Exit code 4 (snapshot_not_found) when the snapshot is not in that region and account; the other exit
        codes are those of snapstep snapshot.
        """

    static let whoami = """
        Usage: snapstep whoami [--integration NAME] [--account ID] [--region R] [--config FILE]

        Prints, as JSON, the account and principal the credentials act as, the region, and where the
        credentials came from (such as profile:prod -> role:Snapshotter). Never prints a secret.
        With --account, refuses (exit 3) when the credentials act in another account.
        """

    static let integrations = """
        Usage: snapstep integrations [--config FILE]

        Lists the integrations of the config file as JSON: their credentials source, regions, endpoints and
        accounts. Secrets are never stored in the file and never printed.
        """

    static let run = """
        Usage: snapstep run FILE [--param NAME=VALUE]… [--dry-run] [--audit-db PATH] [--config FILE]

        Runs a workflow file (YAML or JSON): for each target volume, its steps in order (create_snapshot,
        create_tags, detach_volume, delete_volume, restore_volume, delete_snapshot, approval). The file is
        checked first; every problem is reported with its file, line and column, and nothing runs.
        --dry-run sends every mutating call with EC2's DryRun flag, so permissions are checked for real, and
        prints the plan. The run's state is written before each mutating call: snapstep resume RUN carries on
        after a crash. Prints {"run_id", "status", "targets": [...]}; exit codes as for snapstep snapshot, and 1
        with code refused when a safety rule refused a step.
        """

    static let runControl = """
        Usage: snapstep resume RUN      carry on after a crash, an interruption or a fixed failure
               snapstep approve RUN [--note TEXT]   let a run waiting at an approval step go on
               snapstep reject RUN [--note TEXT]    stop it there
               snapstep undo RUN        recreate every volume the run deleted, from its snapshot
        Options: --audit-db PATH, --config FILE, --verbose, --log-level LEVEL
        """

    static let audit = """
        Usage: snapstep audit list|verify [--audit-db PATH]
               snapstep audit show RUN [--audit-db PATH]
               snapstep audit export [--format jsonl|csv] [--run RUN] [--output FILE] [--audit-db PATH]

        Reads the audit trail: every run, step, AWS call (action, request id, status, latency, attempt) and
        resource change, append-only and chained by SHA-256 hashes so that an edit, a deletion or a reordering
        is found. The database is opened read-only: nothing here writes to it, and a missing file, or a file that
        is not a snapstep audit database (empty, not SQLite, another program's), is an error, not an empty trail.

          list      the runs, oldest first, as a JSON array: status, workflow, times, and counts of events,
                    steps, AWS calls, retries and resources
          show RUN  one run: its summary, the stored state of its steps, and its events with their hashes
          verify    checks every hash, every link and the chain head; prints {"ok": true, "checked": N,
                    "head": {"seq": N, "hash": "…"}}; keep the head somewhere else to detect a rewrite later
          export    every event with its hashes, as JSON lines (default) or RFC 4180 CSV, to stdout or FILE

        Options:
          --audit-db PATH       the database (default: $SNAPSTEP_AUDIT_DB, else
                                $XDG_STATE_HOME/snapstep/audit.sqlite, else ~/.local/state/snapstep/audit.sqlite)
          --format FORMAT       for export: jsonl or csv (default jsonl)
          --run RUN             for export: only this run's events
          --output FILE         for export: write FILE (replaced only once the export is complete) and print
                                {"output", "format", "events"}
          -h, --help            show this help

        Exit codes:
          0    done; for verify, the trail is intact
          8    verify found the trail damaged: stdout has {"ok": false, "checked": N, "problem": {"seq", "kind",
               "message"}} (kind edited_row, missing_row, broken_link, truncated_tail or head_mismatch) and
               stderr the sentence
          2    bad input, no database at that path, or a file that is not an audit database (left as it was)
          1    the database could not be read
          9    stdout could not be written; the output went to stderr after one sentence saying so
        """
}
