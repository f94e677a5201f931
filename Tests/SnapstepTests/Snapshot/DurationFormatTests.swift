import Snapstep
import Testing

@Suite struct DurationFormatTests {
    @Test(arguments: [
        ("90s", 90.0), ("15m", 900.0), ("6h", 21_600.0), ("1h30m", 5400.0), ("500ms", 0.5), ("45", 45.0),
        ("1.5", 1.5), ("2d", 172_800.0), (" 10M ", 600.0), ("1m30s", 90.0), ("0", 0.0),
    ])
    func readsDurations(text: String, seconds: Double) throws {
        let duration = try #require(DurationFormat.parse(text))

        #expect(duration.isClose(to: .seconds(seconds)))
    }

    @Test(arguments: ["abc", "10x", "-5", "", "h", "1h30", "-5s", "5 s", "1..5s", "nan", "inf", "1h-30m"])
    func refusesWhatIsNotADuration(text: String) {
        #expect(DurationFormat.parse(text) == nil)
    }

    @Test(arguments: [
        (90.0, "1m30s"), (21_600.0, "6h"), (5400.0, "1h30m"), (3661.0, "1h1m1s"), (45.0, "45s"),
        (0.4, "400ms"), (0.0, "0ms"), (59.6, "1m"),
    ])
    func describesDurationsForPeople(seconds: Double, text: String) {
        #expect(DurationFormat.describe(.seconds(seconds)) == text)
    }

    @Test(arguments: ["1m30s", "6h", "1h30m", "1h1m1s", "45s"])
    func readsWhatItWrites(text: String) throws {
        let duration = try #require(DurationFormat.parse(text))

        #expect(DurationFormat.describe(duration) == text)
    }
}
