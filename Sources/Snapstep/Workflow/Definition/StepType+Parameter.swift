extension StepType {
    /// One key a step's `with` may hold: its name, what it accepts, and whether it is required.
    public struct Parameter: Hashable, Sendable {
        /// The key, such as `keep_newest`.
        public var name: String
        /// What the key's value must be once resolved.
        public var kind: Kind
        /// Whether the key must be given.
        public var isRequired: Bool

        /// Creates a parameter.
        ///
        /// - Parameters:
        ///   - name: The key.
        ///   - kind: What the value must be.
        ///   - isRequired: Whether the key must be given.
        public init(_ name: String, _ kind: Kind, isRequired: Bool = false) {
            self.name = name
            self.kind = kind
            self.isRequired = isRequired
        }

        /// What a parameter's value must be.
        public enum Kind: Hashable, Sendable {
            /// Any string.
            case string
            /// A snapshot id: `snap-` and 8 or 17 lower-case hex digits.
            case snapshotID
            /// An instance id: `i-` and 8 or 17 lower-case hex digits.
            case instanceID
            /// An EBS volume type, such as `gp3`.
            case volumeType
            /// `true` or `false`.
            case boolean
            /// A whole number of at least `minimum`.
            case wholeNumber(minimum: Int)
            /// A duration longer than zero: a string such as `90s`, `15m`, `6h` or `1h30m`, or a number of seconds.
            case duration
            /// A map of tag keys to string values, as EC2 accepts them.
            case tags

            /// The kinds of value this kind may come from, for checking a template's single expression.
            public var valueKinds: Set<Value.Kind> {
                switch self {
                case .string, .snapshotID, .instanceID, .volumeType: [.string]
                case .boolean: [.boolean]
                case .wholeNumber: [.number]
                case .duration: [.string, .number]
                case .tags: [.map]
                }
            }

            /// What the kind accepts, as a phrase for messages.
            public var phrase: String {
                switch self {
                case .string: "a string"
                case .snapshotID: "a snapshot id (snap- and 8 or 17 lower-case hex digits)"
                case .instanceID: "an instance id (i- and 8 or 17 lower-case hex digits)"
                case .volumeType: "a volume type (\(Self.volumeTypes.joined(separator: ", ")))"
                case .boolean: "true or false"
                case .wholeNumber(let minimum): "a whole number of at least \(minimum)"
                case .duration: "a duration such as 90s, 15m or 6h, or a number of seconds"
                case .tags: "a map of tag keys to string values"
                }
            }

            /// The EBS volume types.
            public static let volumeTypes = ["gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"]

            /// Checks a resolved value.
            ///
            /// - Parameter value: The value, after its templates were rendered.
            /// - Returns: `nil` when the value is acceptable, or what is wrong, to follow the key's name, such as
            ///   `must be a whole number of at least 0, not number -1`.
            public func problem(with value: Value) -> String? {
                let isAcceptable: Bool
                switch (self, value) {
                case (.tags, .map(let members)):
                    return TagRules.problem(with: members).map { "is not valid: \($0)" }
                case (.string, .string), (.boolean, .bool):
                    isAcceptable = true
                case (.snapshotID, .string(let text)):
                    isAcceptable = InputValidation.isSnapshotID(text)
                case (.instanceID, .string(let text)):
                    isAcceptable = Self.isInstanceID(text)
                case (.volumeType, .string(let text)):
                    isAcceptable = Self.volumeTypes.contains(text)
                case (.wholeNumber(let minimum), .number):
                    isAcceptable = value.integerValue.map { $0 >= minimum } ?? false
                case (.duration, _):
                    isAcceptable = Self.duration(of: value) != nil
                default:
                    isAcceptable = false
                }
                return isAcceptable ? nil : "must be \(phrase), not \(value.phrase)"
            }

            /// The duration a value stands for: a string such as `6h` or a number of seconds, more than zero.
            ///
            /// - Parameter value: A resolved `timeout`.
            /// - Returns: The duration, or `nil` when the value is not one.
            public static func duration(of value: Value) -> Duration? {
                let duration: Duration? =
                    switch value {
                    case .number(let seconds) where seconds.isFinite && abs(seconds) <= DurationFormat.longestSeconds:
                        .seconds(seconds)
                    case .string(let text): DurationFormat.parse(text)
                    default: nil
                    }
                return duration.flatMap { $0 > .zero ? $0 : nil }
            }

            static func isInstanceID(_ text: String) -> Bool {
                guard text.hasPrefix("i-") else { return false }
                let digits = text.dropFirst(2)
                return (digits.count == 8 || digits.count == 17)
                    && digits.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
            }
        }
    }
}
