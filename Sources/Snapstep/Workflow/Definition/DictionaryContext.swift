/// An evaluation context backed by a dictionary of values, looked up through nested maps.
///
/// ```swift
/// var context = DictionaryContext(["inputs": ["keep": 3]])
/// context.setValue(["snapshot_id": "snap-0123abcd"], at: ["steps", "snap"])
/// context.value(at: ["steps", "snap", "snapshot_id"])  // "snap-0123abcd"
/// ```
public struct DictionaryContext: EvaluationContext, Hashable, Sendable {
    /// The top-level values, such as `inputs`, `run`, `target` and `steps`.
    public var values: [String: Value]

    /// Creates a context.
    ///
    /// - Parameter values: The top-level values.
    public init(_ values: [String: Value] = [:]) {
        self.values = values
    }

    /// Returns the value at `path`, following map keys below the first name.
    ///
    /// - Parameter path: The reference's names, outermost first.
    /// - Returns: The value, or `nil` when a name is missing or a step of the path reaches something not a map.
    public func value(at path: [String]) -> Value? {
        guard let first = path.first, let root = values[first] else { return nil }
        return root.value(at: path.dropFirst())
    }

    /// Sets the value at `path`, making maps along the way and replacing anything there that is not a map.
    ///
    /// - Parameters:
    ///   - value: The value to store.
    ///   - path: Where, outermost name first; an empty path changes nothing.
    public mutating func setValue(_ value: Value, at path: [String]) {
        guard let first = path.first else { return }
        values[first] = Self.setting(value, at: path.dropFirst(), in: values[first])
    }

    private static func setting(_ value: Value, at path: ArraySlice<String>, in container: Value?) -> Value {
        guard let key = path.first else { return value }
        var members = container?.mapValue ?? [:]
        members[key] = setting(value, at: path.dropFirst(), in: members[key])
        return .map(members)
    }
}
