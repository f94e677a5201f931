/// An EC2 filter: a name and the values any of which may match.
public struct EC2Filter: Sendable, Equatable {
    /// The filter's name, such as `volume-id` or `tag:snapstep:operation-id`.
    public var name: String

    /// The values, any of which may match.
    public var values: [String]

    /// Creates a filter.
    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}
