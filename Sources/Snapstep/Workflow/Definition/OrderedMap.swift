/// A map from text keys to values that remembers the order its keys were first added in.
///
/// Workflow files are read and shown in the order they were written, so a step's `with` and a map of tags keep the
/// file's order. Two maps are equal when they hold the same keys in the same order with equal values.
public struct OrderedMap<Mapped> {
    /// The keys, in the order they were first added.
    public private(set) var keys: [String]
    /// The values, in the order of their keys.
    public private(set) var values: [Mapped]
    private var positions: [String: Int]

    /// Creates an empty map.
    public init() {
        keys = []
        values = []
        positions = [:]
    }

    /// Creates a map from pairs in order; a repeated key keeps its first place and its last value.
    ///
    /// - Parameter pairs: The keys and values, in order.
    public init(_ pairs: some Sequence<(String, Mapped)>) {
        self.init()
        for (key, value) in pairs {
            self[key] = value
        }
    }

    /// The value for `key`; setting `nil` removes the key, setting a new key appends it.
    public subscript(key: String) -> Mapped? {
        get { positions[key].map { values[$0] } }
        set {
            switch (positions[key], newValue) {
            case (let position?, let newValue?):
                values[position] = newValue
            case (nil, let newValue?):
                positions[key] = keys.count
                keys.append(key)
                values.append(newValue)
            case (let position?, nil):
                keys.remove(at: position)
                values.remove(at: position)
                positions = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
            case (nil, nil):
                break
            }
        }
    }

    /// The map's members as a dictionary, without their order.
    public var dictionary: [String: Mapped] {
        Dictionary(uniqueKeysWithValues: zip(keys, values))
    }

    /// Returns a map with the same keys, in the same order, and each value transformed.
    ///
    /// - Parameter transform: Makes the new value from the old one.
    /// - Returns: The transformed map.
    /// - Throws: Whatever `transform` throws.
    public func mapValues<T, Failure: Error>(
        _ transform: (Mapped) throws(Failure) -> T
    ) throws(Failure) -> OrderedMap<T> {
        var result = OrderedMap<T>()
        for (key, value) in self {
            result[key] = try transform(value)
        }
        return result
    }
}

// MARK: - Conformances

extension OrderedMap: RandomAccessCollection {
    /// The position of the first member.
    public var startIndex: Int { keys.startIndex }

    /// The position past the last member.
    public var endIndex: Int { keys.endIndex }

    /// The member at `position`, as a key and its value.
    public subscript(position: Int) -> (key: String, value: Mapped) {
        (keys[position], values[position])
    }
}

extension OrderedMap: ExpressibleByDictionaryLiteral {
    /// Creates a map from a literal, in the literal's order.
    public init(dictionaryLiteral elements: (String, Mapped)...) {
        self.init(elements)
    }
}

extension OrderedMap: Equatable where Mapped: Equatable {}

extension OrderedMap: Hashable where Mapped: Hashable {}

extension OrderedMap: Sendable where Mapped: Sendable {}

extension OrderedMap: CustomStringConvertible {
    /// The members as `[key: value, …]`, in order.
    public var description: String {
        "[" + map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "]"
    }
}
