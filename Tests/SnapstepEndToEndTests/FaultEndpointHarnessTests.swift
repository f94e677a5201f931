import Foundation
import Testing

/// The fault endpoint's harness on its own: it starts, takes scripts, records what it answered, and stops.
///
/// No `snapstep` binary is needed: the tests talk to the endpoint through
/// ``FaultEndpoint/sendEC2(action:parameters:region:accessKeyID:)``.
@Suite struct FaultEndpointHarnessTests {
    @Test func startsOnAFreePortAndStopsByProcessID() async throws {
        let endpoint = try await FaultEndpoint.start()
        #expect(endpoint.port > 0)
        #expect(endpoint.endpoint == "http://127.0.0.1:\(endpoint.port)")
        #expect(await endpoint.isRunning)

        await endpoint.stop()

        #expect(await !endpoint.isRunning)
        #expect(throws: FaultEndpointError.self) {
            try LoopbackHTTP.exchange("GET", "/_fault/health", port: endpoint.port, timeLimit: .seconds(2))
        }
    }

    @Test func scriptsAFaultAndRecordsEveryAnswer() async throws {
        try await withFaultEndpoint { endpoint in
            let volumes = try await endpoint.createVolumes(count: 2, region: "eu-west-1")
            let volumeID = try #require(volumes.first)
            try await endpoint.script(
                #"""
                {"snapshot_behaviour": {"complete_after_polls": 2},
                 "faults": [{"action": "CreateSnapshot", "fault": "throttle"}]}
                """#
            )

            let throttled = try await endpoint.sendEC2(
                action: "CreateSnapshot", parameters: ["VolumeId": volumeID], region: "eu-west-1")
            let created = try await endpoint.sendEC2(
                action: "CreateSnapshot", parameters: ["VolumeId": volumeID], region: "eu-west-1")

            #expect(volumes.count == 2 && volumes.allSatisfy { $0.hasPrefix("vol-") }, "\(volumes)")
            #expect(throttled.status == 503)
            #expect(throttled.text.contains("<Code>RequestLimitExceeded</Code>"), "\(throttled.text)")
            #expect(throttled.headers["date"] != nil)
            #expect(created.status == 200, "\(created.text)")

            let requests = try await endpoint.requests(action: "CreateSnapshot")
            #expect(requests.map(\.status) == [503, 200])
            #expect(requests.map(\.fault) == ["throttle", nil])
            #expect(requests.map(\.errorCode) == ["RequestLimitExceeded", nil])
            #expect(requests.allSatisfy { $0.region == "eu-west-1" && $0.account == FaultEndpoint.defaultAccount })
            #expect(requests.first?.params["VolumeId"] == volumeID)

            let snapshots = try await endpoint.snapshots()
            #expect(snapshots.count == 1)
            #expect(snapshots.first?.volumeID == volumeID)
            #expect(snapshots.first?.ownerID == FaultEndpoint.defaultAccount)
            #expect(snapshots.first?.state == "pending")
        }
    }

    @Test func actsInTheAccountNamedByTheAccessKey() async throws {
        try await withFaultEndpoint { endpoint in
            let volumes = try await endpoint.createVolumes(count: 1, region: "us-east-1", account: "111122223333")
            let volumeID = try #require(volumes.first)

            let asOwner = try await endpoint.sendEC2(
                action: "CreateSnapshot", parameters: ["VolumeId": volumeID], accessKeyID: "AKIA111122223333ABCD")
            let asStranger = try await endpoint.sendEC2(action: "CreateSnapshot", parameters: ["VolumeId": volumeID])

            #expect(asOwner.status == 200, "\(asOwner.text)")
            #expect(asStranger.status == 400)
            #expect(asStranger.text.contains("InvalidVolume.NotFound"), "\(asStranger.text)")
            #expect(try await endpoint.snapshots().map(\.ownerID) == ["111122223333"])
        }
    }

    @Test func resetWipesStateScriptsAndRecords() async throws {
        try await withFaultEndpoint { endpoint in
            let volumes = try await endpoint.createVolumes(count: 1, region: "us-east-1")
            try await endpoint.script(#"{"faults": [{"action": "DescribeVolumes", "fault": "server_error"}]}"#)
            _ = try await endpoint.sendEC2(action: "CreateSnapshot", parameters: ["VolumeId": volumes[0]])

            try await endpoint.reset()

            #expect(try await endpoint.snapshots().isEmpty)
            #expect(try await endpoint.requests().isEmpty)
            #expect(try await endpoint.sendEC2(action: "DescribeVolumes").status == 200)
        }
    }

    @Test func refusesAScriptWithAnUnknownKey() async throws {
        try await withFaultEndpoint { endpoint in
            await #expect(throws: FaultEndpointError.self) {
                try await endpoint.script(#"{"falts": []}"#)
            }
        }
    }

    @Test func stopsTheEndpointWhenTheBodyThrows() async throws {
        struct Planned: Error {}
        var started: FaultEndpoint?

        await #expect(throws: Planned.self) {
            try await withFaultEndpoint { endpoint in
                started = endpoint
                throw Planned()
            }
        }

        let endpoint = try #require(started)
        #expect(await !endpoint.isRunning)
    }
}
