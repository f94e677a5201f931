extension AuditEvent {
    /// The event's payload: a JSON object with snake-case keys, whose canonical text is stored and hashed.
    public var payload: CanonicalJSON {
        switch self {
        case .runStarted(let workflow, let file, let parameters, let dryRun):
            .object([
                "workflow": .string(workflow), "file": .string(file), "parameters": .strings(parameters),
                "dry_run": .bool(dryRun),
            ])
        case .stepStarted(let target, let stepID, let stepType):
            .object(["target": .string(target), "step_id": .string(stepID), "step_type": .string(stepType)])
        case .awsCall(let call, let target, let stepID):
            Self.payload(of: call, target: target, stepID: stepID)
        case .resource(let kind, let id, let change, let details):
            .object([
                "resource_type": .string(kind.rawValue), "resource_id": .string(id), "change": .string(change.rawValue),
                "details": .strings(details),
            ])
        case .stepFinished(let target, let stepID, let status, let outputs, let error):
            .object([
                "target": .string(target), "step_id": .string(stepID), "status": .string(status.rawValue),
                "outputs": .strings(outputs), "error": .string(error),
            ])
        case .approval(let decision, let user, let note):
            .object(["decision": .string(decision.rawValue), "by": .string(user), "note": .string(note)])
        case .runFinished(let status, let summary):
            .object(["status": .string(status.rawValue), "summary": .string(summary)])
        }
    }

    /// Reads an event back from its stored kind and payload.
    ///
    /// - Parameters:
    ///   - kind: The stored kind, such as `aws_call`.
    ///   - payload: The stored payload text.
    ///   - seq: The event's sequence number, for the error.
    /// - Throws: ``AuditError/undecodableEvent(seq:kind:reason:)`` for an unknown kind, text that is not JSON, or a
    ///   missing or mistyped member.
    init(kind: String, payload: String, seq: Int) throws(AuditError) {
        guard let known = Kind(rawValue: kind) else {
            throw .undecodableEvent(seq: seq, kind: kind, reason: "the kind is unknown to this snapstep")
        }
        let members: [String: CanonicalJSON]
        do {
            members = try CanonicalJSON.parse(payload).objectValue ?? [:]
        } catch {
            throw .undecodableEvent(seq: seq, kind: kind, reason: "the payload is not JSON")
        }
        guard let event = Self.decode(known, PayloadReader(members: members)) else {
            throw .undecodableEvent(seq: seq, kind: kind, reason: "the payload lacks a member or has a wrong type")
        }
        self = event
    }

    private static func payload(of call: CallRecord, target: String?, stepID: String?) -> CanonicalJSON {
        .object([
            "action": .string(call.action), "region": .string(call.region), "request_id": .string(call.requestID),
            "status": call.statusCode.map(CanonicalJSON.int) ?? .null, "error_code": .string(call.errorCode),
            "latency_ms": .int(milliseconds(call.latency)), "attempt": .int(call.attempt),
            "retries": .int(max(call.attempt - 1, 0)), "target": .string(target), "step_id": .string(stepID),
        ])
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    private static func decode(_ kind: Kind, _ reader: PayloadReader) -> AuditEvent? {
        switch kind {
        case .runStarted:
            guard let workflow = reader.string("workflow"), let file = reader.string("file"),
                let parameters = reader.strings("parameters"), let dryRun = reader.members["dry_run"]?.boolValue
            else { return nil }
            return .runStarted(workflow: workflow, file: file, parameters: parameters, dryRun: dryRun)
        case .stepStarted:
            guard let target = reader.string("target"), let stepID = reader.string("step_id"),
                let stepType = reader.string("step_type")
            else { return nil }
            return .stepStarted(target: target, stepID: stepID, stepType: stepType)
        case .awsCall:
            return decodeCall(reader)
        case .resource:
            guard let kind = reader.string("resource_type").flatMap(ResourceKind.init(rawValue:)),
                let id = reader.string("resource_id"),
                let change = reader.string("change").flatMap(ResourceChange.init(rawValue:)),
                let details = reader.strings("details")
            else { return nil }
            return .resource(kind: kind, id: id, change: change, details: details)
        case .stepFinished:
            guard let target = reader.string("target"), let stepID = reader.string("step_id"),
                let status = reader.string("status").flatMap(StepStatus.init(rawValue:)),
                let outputs = reader.strings("outputs")
            else { return nil }
            return .stepFinished(
                target: target, stepID: stepID, status: status, outputs: outputs, error: reader.string("error"))
        case .approval:
            guard let decision = reader.string("decision").flatMap(Decision.init(rawValue:)),
                let user = reader.string("by")
            else { return nil }
            return .approval(decision: decision, by: user, note: reader.string("note"))
        case .runFinished:
            guard let status = reader.string("status").flatMap(RunOutcome.init(rawValue:)),
                let summary = reader.string("summary")
            else { return nil }
            return .runFinished(status: status, summary: summary)
        }
    }

    private static func decodeCall(_ reader: PayloadReader) -> AuditEvent? {
        guard let action = reader.string("action"), let region = reader.string("region"),
            let latency = reader.members["latency_ms"]?.intValue, let attempt = reader.members["attempt"]?.intValue
        else { return nil }
        let call = CallRecord(
            action: action, region: region, requestID: reader.string("request_id"),
            statusCode: reader.members["status"]?.intValue, errorCode: reader.string("error_code"),
            latency: .milliseconds(latency), attempt: attempt)
        return .awsCall(call, target: reader.string("target"), stepID: reader.string("step_id"))
    }
}

/// Reads the members of a payload object, where `null` and a missing member both mean "none".
private struct PayloadReader {
    var members: [String: CanonicalJSON]

    func string(_ key: String) -> String? {
        members[key]?.stringValue
    }

    func strings(_ key: String) -> [String: String]? {
        guard let object = members[key]?.objectValue else { return nil }
        var result: [String: String] = [:]
        for (name, value) in object {
            guard let text = value.stringValue else { return nil }
            result[name] = text
        }
        return result
    }
}
