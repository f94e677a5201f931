import Foundation
import Snapstep
import Testing

@Suite struct SigningClockTests {
    @Test func signsWithTheLocalTimeUntilCorrected() {
        let wall = ManualWallClock()
        let clock = SigningClock(now: wall.now)

        #expect(clock.date == ManualWallClock.start)
        #expect(clock.correction == 0)
        wall.advance(bySeconds: 10)
        #expect(clock.date == ManualWallClock.start.addingTimeInterval(10))
    }

    @Test func keepsTheServersOffsetAsTheLocalClockMoves() {
        let wall = ManualWallClock()
        let clock = SigningClock(now: wall.now)

        let correction = clock.correct(toServerDate: ManualWallClock.start.addingTimeInterval(-600))
        wall.advance(bySeconds: 30)

        #expect(correction == -600)
        #expect(clock.correction == -600)
        #expect(clock.date == ManualWallClock.start.addingTimeInterval(-570))
    }

    @Test(arguments: [
        ("Wed, 01 May 2024 12:00:00 GMT", 0.0),
        (" Wed, 01 May 2024 13:00:00 GMT ", 3600.0),
        ("Tue, 30 Apr 2024 12:00:00 GMT", -86_400.0),
    ])
    func readsHTTPDates(text: String, offset: TimeInterval) {
        #expect(SigningClock.parseHTTPDate(text) == ManualWallClock.start.addingTimeInterval(offset))
    }

    @Test(arguments: [
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
        ("Fri, 31 Dec 1999 23:59:59 GMT", 946_684_799.0),
        ("Thu, 29 Feb 2024 06:30:15 GMT", 1_709_188_215.0),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777.0),
    ])
    func readsHTTPDatesAcrossLeapYearsAndCenturies(text: String, secondsSince1970: TimeInterval) {
        #expect(SigningClock.parseHTTPDate(text) == Date(timeIntervalSince1970: secondsSince1970))
    }

    @Test(arguments: [
        "", "2024-05-01T12:00:00Z", "01 May 2024 12:00:00 GMT", "yesterday", "Wed, 32 May 2024 12:00:00 GMT",
        "Wed, 01 Foo 2024 12:00:00 GMT", "Wed, 01 May 2024 24:00:00 GMT", "Wed, 01 May 2024 12:00 GMT",
        "Wed, 01 May 2024 12:00:00 UTC",
    ])
    func refusesOtherTimeFormats(text: String) {
        #expect(SigningClock.parseHTTPDate(text) == nil)
    }
}
