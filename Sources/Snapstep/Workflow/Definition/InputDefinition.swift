/// One input a workflow declares, given with `--param NAME=VALUE`.
public struct InputDefinition: Sendable {
    /// The input's name, referenced as `inputs.<name>`.
    public var name: String
    /// The kind of value the input holds.
    public var type: InputType
    /// Whether a run must give the input.
    public var isRequired: Bool
    /// The value when a run does not give the input, if any.
    public var defaultValue: Value?
    /// What the input is for, for people.
    public var description: String?
    /// Where the input is declared.
    public var location: SourcePosition

    /// Creates an input.
    ///
    /// - Parameters:
    ///   - name: The input's name.
    ///   - type: The kind of value it holds.
    ///   - isRequired: Whether a run must give it.
    ///   - defaultValue: The value when a run does not give it.
    ///   - description: What it is for.
    ///   - location: Where it is declared.
    public init(
        name: String, type: InputType, isRequired: Bool = false, defaultValue: Value? = nil,
        description: String? = nil, location: SourcePosition
    ) {
        self.name = name
        self.type = type
        self.isRequired = isRequired
        self.defaultValue = defaultValue
        self.description = description
        self.location = location
    }
}

// MARK: - Equatable

extension InputDefinition: Equatable {
    /// Two inputs are equal when they say the same thing; where they were written is not compared.
    public static func == (lhs: InputDefinition, rhs: InputDefinition) -> Bool {
        lhs.name == rhs.name && lhs.type == rhs.type && lhs.isRequired == rhs.isRequired
            && lhs.defaultValue == rhs.defaultValue && lhs.description == rhs.description
    }
}
