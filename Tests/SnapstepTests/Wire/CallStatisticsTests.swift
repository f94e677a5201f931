import Testing

@testable import Snapstep

@Suite struct CallStatisticsTests {
    @Test func countsAttemptsByActionWithRetriesIncluded() {
        let statistics = CallStatistics()

        statistics.recordAttempt(action: "CreateSnapshot", isRetry: false)
        statistics.recordAttempt(action: "CreateSnapshot", isRetry: true)
        statistics.recordAttempt(action: "DescribeSnapshots", isRetry: false)

        #expect(statistics.totalAttempts == 3)
        #expect(statistics.retries == 1)
        #expect(statistics.attemptsByAction == ["CreateSnapshot": 2, "DescribeSnapshots": 1])
    }
}
