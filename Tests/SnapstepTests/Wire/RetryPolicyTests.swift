import Snapstep
import Testing

@Suite struct RetryPolicyTests {
    @Test(arguments: [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 16.0), (6, 20.0), (7, 20.0), (40, 20.0)])
    func capsEachRetryAtTheDoubledBaseUpToTwentySeconds(retry: Int, ceiling: Double) {
        let policy = RetryPolicy.standard

        let longest = policy.delay(beforeRetry: retry, random: FixedRandomSource.almostOne)
        let shortest = policy.delay(beforeRetry: retry, random: FixedRandomSource.zero)
        let half = policy.delay(beforeRetry: retry, random: FixedRandomSource(fraction: 0.5))

        #expect(longest.isClose(to: .seconds(ceiling)))
        #expect(longest < .seconds(ceiling))
        #expect(shortest == .zero)
        #expect(half.isClose(to: .seconds(ceiling / 2)))
    }

    @Test func drawsSeededDelaysWithinTheBoundsRepeatably() {
        let policy = RetryPolicy.standard
        let first = SeededRandomSource(seed: 42)
        let second = SeededRandomSource(seed: 42)

        for retry in 1...10 {
            let delay = policy.delay(beforeRetry: retry, random: first)
            let ceiling = Duration.seconds(min(1 << (retry - 1), 20))
            #expect(delay >= .zero && delay <= ceiling, "retry \(retry) waited \(delay)")
            #expect(delay == policy.delay(beforeRetry: retry, random: second))
        }
    }

    @Test func drawsFractionsBelowOneFromASeed() {
        let source = SeededRandomSource(seed: 7)
        let fractions = (0..<1000).map { _ in source.nextFraction() }

        #expect(fractions.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(Set(fractions).count > 990)
        #expect(SeededRandomSource(seed: 8).nextFraction() != SeededRandomSource(seed: 7).nextFraction())
    }

    @Test func makesAtLeastOneAttempt() {
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect(RetryPolicy.standard.maxAttempts == 3)
    }
}
