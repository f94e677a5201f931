import Foundation
import Synchronization

/// A wall clock for code that takes a `now` closure: it stands still until a test moves it.
final class ManualWallClock: Sendable {
    /// 2024-05-01T12:00:00Z, a Wednesday.
    static let start = Date(timeIntervalSince1970: 1_714_564_800)

    private let current: Mutex<Date>

    /// Creates a clock showing `date`.
    init(_ date: Date = ManualWallClock.start) {
        current = Mutex(date)
    }

    /// The time shown.
    var date: Date { current.withLock { $0 } }

    /// A closure reading this clock, to inject as `now`.
    var now: @Sendable () -> Date { { self.date } }

    /// Moves the clock forward by `seconds`.
    func advance(bySeconds seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
