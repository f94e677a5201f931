import Snapstep

/// The failure contract: `{"error": {...}}` on stdout, one sentence on stderr, and the exit code.
enum ErrorReport {
    /// Prints `error` and returns its exit code.
    static func emit(_ error: SnapshotError) -> Int32 {
        Terminal.clearStatusLineIfNeeded()
        Terminal.printJSON(json(for: error))
        Terminal.printError("snapstep: \(error.description)")
        return error.exitCode
    }

    /// The error object: `code`, `message` and `snapshot_id` always; `aws_code` and `request_id` when AWS gave them;
    /// the operation id, volume, region and account of a CreateSnapshot that an interruption left in flight.
    static func json(for error: SnapshotError) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("code", .string(error.code)),
            ("message", .string(error.description)),
            ("snapshot_id", .string(error.snapshotID)),
        ]
        if let aws = error.awsError {
            if let code = aws.code { members.append(("aws_code", .string(code))) }
            if let requestID = aws.requestID { members.append(("request_id", .string(requestID))) }
        }
        if case .timedOut(_, let state, let progress, _) = error {
            members.append(("state", .string(state?.rawValue)))
            members.append(("progress", progress.map(JSONValue.int) ?? .null))
        }
        if case .outcomeUnknown(_, let operationID, _) = error {
            members.append(("operation_id", .string(operationID)))
        }
        if case .interrupted(_, let state) = error {
            members.append(("state", .string(state?.rawValue)))
        }
        if case .interruptedWhileCreating(let call) = error {
            // What finds the snapshot the call may have made: its operation tag, in that volume, region and account.
            members += [
                ("operation_id", .string(call.operationID)), ("volume_id", .string(call.volumeID)),
                ("region", .string(call.region)), ("account_id", .string(call.account)),
            ]
        }
        return .object([("error", .object(members))])
    }
}

extension Terminal {
    /// Clears a progress line before an error is printed, when one may be drawn.
    static func clearStatusLineIfNeeded() {
        if stderrIsTerminal { clearStatusLine() }
    }
}
