extension AuditStore {
    /// Returns an observer for ``ClientEnvironment/callObserver`` that appends every HTTP attempt to the trail.
    ///
    /// An AWS call must not fail because its record could not be written, so a failed append goes to `onFailure`
    /// (to log it, or to stop the run before its next mutating call) instead of being thrown.
    ///
    /// - Parameters:
    ///   - runID: The run the calls belong to.
    ///   - target: The target the calls are for, such as a volume id, when there is one.
    ///   - stepID: The step making the calls, when there is one.
    ///   - onFailure: Called with the error when an append fails.
    /// - Returns: The observer.
    public func callObserver(
        runID: String, target: String?, stepID: String?, onFailure: @escaping @Sendable (AuditError) -> Void
    ) -> @Sendable (CallRecord) -> Void {
        { [self] call in
            do throws(AuditError) {
                try append(.awsCall(call, target: target, stepID: stepID), runID: runID)
            } catch {
                onFailure(error)
            }
        }
    }
}
