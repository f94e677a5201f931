import Snapstep

/// A random source that always returns the same fraction, so that jittered delays are exact.
struct FixedRandomSource: RandomSource {
    /// The fraction returned, in `0..<1`.
    var fraction: Double

    /// Returns ``fraction``.
    func nextFraction() -> Double { fraction }

    /// No jitter: the fraction 0.
    static let zero = FixedRandomSource(fraction: 0)

    /// The largest jitter: the largest fraction below 1.
    static let almostOne = FixedRandomSource(fraction: 1.0.nextDown)
}
