import Foundation
import Snapstep

extension ClientEnvironment {
    /// An environment with no network and no real time: the scripted transport, the manual clock, a signing clock
    /// fixed at 2024-05-01T12:00:00Z and jitter from `random`.
    static func testing(
        transport: ScriptedTransport, clock: ManualClock, random: any RandomSource = FixedRandomSource(fraction: 0.5),
        signingClock: SigningClock = SigningClock(now: { ManualWallClock.start }),
        retryBudget: RetryBudget = RetryBudget(), logger: Logger = .disabled
    ) -> ClientEnvironment {
        ClientEnvironment(
            transport: transport, signingClock: signingClock, clock: clock, random: random, retryBudget: retryBudget,
            logger: logger)
    }
}

extension Duration {
    /// Whether this duration is within a microsecond of `other`, for delays computed in floating point.
    func isClose(to other: Duration) -> Bool {
        abs((self - other).seconds) < 1e-6
    }
}
