import Foundation
import Snapstep
import Testing

@Suite struct RunIDTests {
    @Test(arguments: [(0.0, "0000"), (0.2446, "3e9e"), (1.0.nextDown, "ffff")])
    func formatsTheUTCTimeAndFourHexDigits(fraction: Double, suffix: String) {
        let now = Date(timeIntervalSince1970: 1_796_320_441)  // 2026-12-03T17:54:01Z

        let runID = RunID.make(now: now, random: FixedRandomSource(fraction: fraction))

        #expect(runID == "run-20261203-175401-\(suffix)")
        #expect(RunID.isValid(runID))
    }

    @Test func sortsRunIDsInTheOrderTheRunsStarted() {
        let earlier = RunID.make(now: Date(timeIntervalSince1970: 1_796_320_441), random: FixedRandomSource.almostOne)
        let later = RunID.make(now: Date(timeIntervalSince1970: 1_796_320_442), random: FixedRandomSource.zero)

        #expect(earlier < later)
    }

    @Test(arguments: ["run-1", "a", "run_2024.05:01-x", String(repeating: "r", count: 128)])
    func acceptsReadableRunIDs(runID: String) {
        #expect(RunID.isValid(runID))
    }

    @Test(arguments: ["", "run 1", "run/1", "rün", "run-1\n", String(repeating: "r", count: 129)])
    func rejectsRunIDsWithOtherCharacters(runID: String) {
        #expect(!RunID.isValid(runID))
    }
}
