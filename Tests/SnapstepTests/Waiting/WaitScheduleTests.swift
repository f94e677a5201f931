import Snapstep
import Testing

@Suite struct WaitScheduleTests {
    let schedule = WaitSchedule.standard

    @Test(arguments: [0.0, 10.0, 3600.0])
    func pollsFirstAfterHalfASecond(elapsed: Double) {
        let delay = schedule.delay(afterPolls: 0, elapsed: .seconds(elapsed), random: FixedRandomSource.almostOne)

        #expect(delay == .milliseconds(500))
    }

    /// Later delays are elapsed / 30, kept between 1 s and 15 s, less up to 20 % of jitter.
    @Test(arguments: [
        (1.0, 0.0, 1.0), (1.0, 1.0, 0.8),
        (30.0, 0.0, 1.0), (30.0, 1.0, 0.8),
        (60.0, 0.0, 2.0), (60.0, 1.0, 1.6),
        (300.0, 0.0, 10.0), (300.0, 1.0, 8.0),
        (450.0, 0.0, 15.0), (450.0, 1.0, 12.0),
        (7200.0, 0.0, 15.0), (7200.0, 1.0, 12.0),
    ])
    func pollsInProportionToTheTimeRunningWithinBounds(elapsed: Double, jitter: Double, expected: Double) {
        let random = jitter == 0 ? FixedRandomSource.zero : FixedRandomSource.almostOne

        let delay = schedule.delay(afterPolls: 3, elapsed: .seconds(elapsed), random: random)

        #expect(delay.isClose(to: .seconds(expected)), "got \(delay)")
        #expect(delay <= schedule.maximumDelay)
        #expect(delay >= schedule.minimumDelay * (1 - schedule.jitter))
    }

    /// After a throttled or failed poll the delay doubles per failure in a row, never past 15 s.
    @Test(arguments: [
        (1.0, 1, 2.0), (1.0, 2, 4.0), (1.0, 3, 8.0), (1.0, 4, 15.0), (1.0, 9, 15.0),
        (0.5, 1, 2.0), (3.0, 1, 6.0), (3.0, 2, 12.0), (10.0, 1, 15.0),
    ])
    func backsOffAfterFailedPollsWithinTheCap(regular: Double, failures: Int, expected: Double) {
        let delay = schedule.delay(afterFailures: failures, regular: .seconds(regular))

        #expect(delay.isClose(to: .seconds(expected)), "got \(delay)")
    }

    @Test func usesTheStandardSettings() {
        #expect(
            schedule
                == WaitSchedule(
                    initialDelay: .milliseconds(500), minimumDelay: .seconds(1), maximumDelay: .seconds(15),
                    growth: 1.0 / 30, jitter: 0.2, notFoundGracePeriod: .seconds(60)))
    }
}
