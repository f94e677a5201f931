import Snapstep
import Testing

@Suite struct FleetRequestTests {
    @Test func refusesNamedVolumesTogetherWithASelector() {
        let request = FleetRequest(
            volumes: [FleetRequest.NamedVolume(volumeID: "vol-0123456789abcdef0")],
            selector: FleetRequest.Selector(olderThan: .seconds(30 * 86_400)))

        let error = #expect(throws: SnapshotError.self) { try request.validate() }

        guard case .invalidInput(let reason) = error else {
            Issue.record("expected invalidInput, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("--filter and --older-than"), "\(reason)")
        #expect(reason.contains("--volume or --volumes-from"), "\(reason)")
    }

    @Test func acceptsASelectorAlone() throws {
        let request = FleetRequest(
            selector: FleetRequest.Selector(filters: [EC2Filter(name: "status", values: ["available"])]))

        try request.validate()
    }

    @Test func acceptsNamedVolumesAlone() throws {
        let request = FleetRequest(volumes: [FleetRequest.NamedVolume(volumeID: "vol-0123456789abcdef0")])

        try request.validate()
    }
}
