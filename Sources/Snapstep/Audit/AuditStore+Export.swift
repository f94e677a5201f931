extension AuditStore {
    /// Writes the trail's events with their hashes, all of them or one run's, in sequence order.
    ///
    /// The events are streamed from one consistent snapshot, so an export of a large trail does not hold it in
    /// memory and events appended meanwhile are left out.
    ///
    /// - Parameters:
    ///   - format: JSON lines or CSV.
    ///   - runID: The run, or `nil` for every event.
    ///   - output: Where the text goes; it must not use this store, which is held while it writes.
    /// - Returns: The number of events written.
    /// - Throws: ``AuditError/sqlite(operation:code:message:path:)``.
    @discardableResult
    public func export(
        format: AuditExportFormat, runID: String? = nil, to output: inout some TextOutputStream
    ) throws(AuditError) -> Int {
        if let header = format.header { output.write(header) }
        var count = 0
        try forEachEvent(runID: runID) { record throws(AuditError) in
            output.write(format.line(for: record))
            count += 1
        }
        return count
    }
}
