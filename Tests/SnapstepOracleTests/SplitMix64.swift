/// A seeded random-number generator (SplitMix64), so that every generated case can be reproduced from its seed.
///
/// The standard library's `SystemRandomNumberGenerator` cannot be seeded; this one plugs into the same APIs
/// (`Int.random(in:using:)`, `randomElement(using:)`).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    ///
    /// - Parameter seed: Any value; equal seeds give equal sequences.
    init(seed: UInt64) {
        state = seed
    }

    /// Returns the next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Returns `true` with probability `probability`.
    ///
    /// - Parameter probability: A fraction from 0 to 1.
    /// - Returns: Whether the event happened.
    mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }

    /// Returns one element of a non-empty array.
    ///
    /// - Parameter elements: The choices; must not be empty.
    /// - Returns: One of them, each equally likely.
    mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[Int.random(in: elements.indices, using: &self)]
    }
}
