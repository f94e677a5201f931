extension AuditStore {
    /// Checks the whole trail: every event's hash, every link to the event before, the sequence numbers, and the
    /// chain head.
    ///
    /// It reads one consistent snapshot, so events appended meanwhile by other processes do not disturb it. An
    /// editor who recomputes every later hash and the head goes unnoticed, which is why the result carries the
    /// head: write it down (or export the trail) somewhere else to compare later.
    ///
    /// - Returns: The number of sound events, the head, and the first problem when there is one.
    /// - Throws: ``AuditError/sqlite(operation:code:message:path:)`` when the database cannot be read.
    public func verify() throws(AuditError) -> AuditVerification {
        let operation = "verifying the trail"
        return try withConnection { connection throws(AuditError) in
            try connection.transaction(immediate: false, operation: operation) { () throws(AuditError) in
                let statement = try connection.prepare(Self.selectEvents + " ORDER BY seq", operation: operation)
                try statement.bind([])
                let head = try AuditSchema.head(of: connection)

                var walker = ChainWalker()
                while try statement.step() {
                    if let problem = walker.check(Self.record(from: statement)) {
                        return AuditVerification(checked: walker.checked, head: head, problem: problem)
                    }
                }
                return AuditVerification(checked: walker.checked, head: head, problem: walker.finish(head: head))
            }
        }
    }
}
