import Foundation
import Snapstep
import SnapstepSigning
import Testing

/// Thousands of random EC2 requests, built and signed by snapstep's own client code, checked against botocore's
/// `SigV4Auth` and EC2 serializer for the same request, time and keys.
///
/// `SNAPSTEP_ORACLE_CASES` sets the number of requests (5,000 by default) and `SNAPSTEP_ORACLE_SEED` the seed, so a
/// failing run can be replayed exactly. botocore comes from the project's `.venv`, which `scripts/bootstrap` makes.
@Suite struct BotocoreOracleTests {
    /// The number of requests when `SNAPSTEP_ORACLE_CASES` is not set.
    static let defaultCaseCount = 5_000

    /// The seed when `SNAPSTEP_ORACLE_SEED` is not set.
    static let defaultSeed: UInt64 = 20_150_830

    @Test func signsAndEncodesRandomEC2RequestsExactlyAsBotocoreDoes() async throws {
        let environment = ProcessInfo.processInfo.environment
        let caseCount = try #require(
            environment["SNAPSTEP_ORACLE_CASES"].map { Int($0) } ?? Self.defaultCaseCount,
            "SNAPSTEP_ORACLE_CASES must be a whole number")
        let seed = try #require(
            environment["SNAPSTEP_ORACLE_SEED"].map { UInt64($0) } ?? Self.defaultSeed,
            "SNAPSTEP_ORACLE_SEED must be a whole number")
        try #require(caseCount > 0, "SNAPSTEP_ORACLE_CASES must be at least 1")
        let oracle = try BotocoreOracle()

        let clock = ContinuousClock()
        let started = clock.now
        var generator = RandomEC2Requests(seed: seed)
        var cases: [SignedCase] = []
        cases.reserveCapacity(caseCount)
        for index in 0..<caseCount {
            cases.append(try await SignedCase.make(index: index, request: try generator.next()))
        }
        let signed = clock.now
        let answers = try oracle.answers(to: cases.map(\.oracleInput))
        let answered = clock.now

        // A process that stops early, or a pipe that drops lines, must not pass for agreement.
        #expect(answers.count == caseCount, "botocore answered \(answers.count) of \(caseCount) cases")
        var comparison = OracleComparison()
        for (signedCase, answer) in zip(cases, answers) {
            comparison.compare(signedCase, with: answer)
        }
        #expect(comparison.comparedCount == caseCount, "only \(comparison.comparedCount) cases were compared")
        if !comparison.failures.isEmpty {
            Issue.record(Comment(rawValue: comparison.failureReport(seed: seed)))
        }

        print(
            """
            botocore oracle: \(comparison.comparedCount) of \(caseCount) cases compared (seed \(seed)); \
            \(comparison.failures.count) differ. Time: snapstep built and signed in \(seconds(started, signed)), \
            botocore answered in \(seconds(signed, answered)), compared in \(seconds(answered, clock.now)).
            Bodies against botocore's EC2 serializer: \(comparison.bodiesWithSamePairs) same pairs in any order, \
            \(comparison.bodiesInSameOrder) in the same order, \
            \(comparison.bodiesIdenticalButForSpaces) byte-identical once spaces are spelt alike, \
            \(comparison.byteIdenticalBodies) byte-identical.
            Same order by client API: \(orderSummary(comparison)).
            """)
    }

    /// How many bodies kept botocore's parameter order, for each client API.
    private func orderSummary(_ comparison: OracleComparison) -> String {
        comparison.orderByCall.sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value.sameOrder) of \($0.value.cases)" }
            .joined(separator: ", ")
    }

    /// The time between two instants in seconds, for the summary.
    private func seconds(_ start: ContinuousClock.Instant, _ end: ContinuousClock.Instant) -> String {
        let duration = start.duration(to: end)
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.2f s", value)
    }
}
