/// What expressions are evaluated against: the values their references name.
///
/// A reference `steps.snap.snapshot_id` asks for the path `["steps", "snap", "snapshot_id"]`. The engine provides
/// `inputs`, `run`, `target` and `steps`; ``DictionaryContext`` is a ready implementation.
public protocol EvaluationContext {
    /// Returns the value at `path`, or `nil` when there is none.
    ///
    /// A missing value evaluates as ``Value/null``: a step that was skipped has no outputs.
    ///
    /// - Parameter path: The reference's names, outermost first.
    /// - Returns: The value, or `nil`.
    func value(at path: [String]) -> Value?
}
