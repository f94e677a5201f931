import Foundation
import Testing

/// An instance with two volumes for `examples/decommission-instance.yaml`, and a volume of nobody's beside it, set up
/// through the observer; and what the world must look like once a run has decommissioned the instance.
struct DecommissionScene: Sendable {
    /// The region of every resource.
    static let region = "us-east-1"

    /// The zone of every resource.
    static let availabilityZone = "us-east-1a"

    /// The instance whose volumes the workflow removes.
    let instanceID: String

    /// The instance's two volumes as they were before any run: the root volume and a data volume, with their tags.
    let instanceVolumes: [EC2Observer.Volume]

    /// An unattached volume that no decommission of the instance may touch.
    let bystanderVolumeID: String

    /// The instance's volume ids, in order.
    var instanceVolumeIDs: [String] { instanceVolumes.map(\.volumeID) }

    /// Starts the instance (with its root volume), attaches a tagged 20 GiB gp3 volume as `/dev/sdf`, and creates the
    /// bystander.
    ///
    /// - Parameter observer: The observer of the server.
    /// - Returns: The scene.
    /// - Throws: ``HarnessError/observerFailed(arguments:exitCode:stderr:)`` when boto3 reports an error.
    static func make(observer: EC2Observer) async throws -> DecommissionScene {
        let instance = try await observer.runInstance(
            region: region, availabilityZone: availabilityZone, volumeTags: ["Name": "web-1-root", "Team": "web"])
        let dataVolumeID = try await observer.createVolume(
            region: region, availabilityZone: availabilityZone, sizeGiB: 20, type: "gp3",
            tags: ["Name": "web-1-data", "Team": "web", "CostCentre": "cc-42"])
        let dataVolume = try await observer.attachVolume(
            dataVolumeID, to: instance.instanceID, device: "/dev/sdf", region: region)
        let bystanderVolumeID = try await observer.createVolume(
            region: region, availabilityZone: availabilityZone, sizeGiB: 5, type: "gp2", tags: ["Name": "bystander"])

        let instanceVolumes = (instance.rootVolumes + [dataVolume]).sorted { $0.volumeID < $1.volumeID }
        guard instanceVolumes.count == 2 else {
            throw HarnessError.unexpectedOutput(expected: "one root volume", output: "\(instance.rootVolumes)")
        }
        return DecommissionScene(
            instanceID: instance.instanceID, instanceVolumes: instanceVolumes, bystanderVolumeID: bystanderVolumeID)
    }

    /// Checks the end state of a run that decommissioned the instance, the same however the run got there.
    ///
    /// Both of the instance's volumes are gone and the bystander is not; each deleted volume has exactly one snapshot
    /// (no duplicate from a retried step), completed, made by this run, and carrying the restore tags that describe
    /// the volume as it was; the bystander has none.
    ///
    /// - Parameters:
    ///   - runID: The run.
    ///   - observer: The observer of the server.
    ///   - sourceLocation: Where the expectations are reported.
    /// - Returns: The snapshots of the deleted volumes, by volume id.
    /// - Throws: The observer's errors.
    @discardableResult
    func expectDecommissioned(
        by runID: String, observer: EC2Observer, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: EC2Observer.Snapshot] {
        let remaining = try await observer.volumes(region: Self.region).map(\.volumeID)
        #expect(remaining == [bystanderVolumeID], "only the bystander is left", sourceLocation: sourceLocation)

        let snapshots = try await observer.snapshots(region: Self.region)
        let byVolume = Dictionary(grouping: snapshots) { $0.volumeID ?? "" }
        #expect(byVolume[bystanderVolumeID] == nil, "the bystander was not snapshotted", sourceLocation: sourceLocation)
        var found: [String: EC2Observer.Snapshot] = [:]
        for volume in instanceVolumes {
            let ofVolume = byVolume[volume.volumeID] ?? []
            #expect(
                ofVolume.count == 1, "one snapshot of \(volume.volumeID): \(ofVolume)", sourceLocation: sourceLocation)
            guard let snapshot = ofVolume.first else { continue }
            found[volume.volumeID] = snapshot
            #expect(snapshot.state == "completed", sourceLocation: sourceLocation)
            #expect(
                snapshot.tags["snapstep:operation-id"]?.hasPrefix(runID) == true, "\(snapshot.tags)",
                sourceLocation: sourceLocation)
            #expect(snapshot.tags["Purpose"] == "decommission", sourceLocation: sourceLocation)
            #expect(snapshot.tags["Instance"] == instanceID, sourceLocation: sourceLocation)
            let restore = Self.restoreTags(of: volume, instanceID: instanceID)
            let carried = snapshot.tags.filter { restore.keys.contains($0.key) }
            #expect(carried == restore, "restore tags of \(volume.volumeID)", sourceLocation: sourceLocation)
        }
        return found
    }

    /// The `snapstep:restore:*` tags that describe a volume, its attachment included.
    private static func restoreTags(of volume: EC2Observer.Volume, instanceID: String) -> [String: String] {
        [
            "snapstep:restore:volume-id": volume.volumeID,
            "snapstep:restore:availability-zone": volume.availabilityZone ?? "",
            "snapstep:restore:volume-type": volume.volumeType ?? "",
            "snapstep:restore:size": volume.size.map(String.init) ?? "",
            "snapstep:restore:encrypted": "false",
            "snapstep:restore:instance-id": instanceID,
            "snapstep:restore:device": volume.attachments.first?.device ?? "",
        ]
    }
}
