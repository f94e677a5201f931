import Synchronization

/// A source of uniform random fractions in `0..<1`, injected so that jittered schedules can be tested exactly.
public protocol RandomSource: Sendable {
    /// Returns a random fraction in `0..<1`.
    func nextFraction() -> Double
}

/// Random fractions from the system's generator.
public struct SystemRandomSource: RandomSource {
    /// Creates a source backed by the system's generator.
    public init() {}

    /// Returns a random fraction in `0..<1`.
    public func nextFraction() -> Double { Double.random(in: 0..<1) }
}

/// A repeatable sequence of fractions from a seed (SplitMix64), for tests and reproducible benchmarks.
public final class SeededRandomSource: RandomSource {
    private let state: Mutex<UInt64>

    /// Creates a source whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = Mutex(seed)
    }

    /// Returns the next fraction in the sequence.
    public func nextFraction() -> Double {
        let value = state.withLock { state -> UInt64 in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return Double(value >> 11) / Double(1 << 53)
    }
}
