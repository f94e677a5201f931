import FoundationEssentials

/// The volumes a run acts on, and what each step's expressions may read of them as `target.*`.
///
/// The list is fixed when the run starts and stored with the run's state, so a resume acts on the same volumes
/// even after some were deleted (and no longer match a selector).
enum WorkflowTargets {
    /// The stored list of a run, if it was fixed already.
    static let stateStepID = "targets"

    /// What the definition's targets ask EC2 for, worked out from the run's inputs alone.
    enum Query {
        /// Volumes named by id.
        case volumes([String])
        /// Volumes matching filters, then created at least `olderThanDays` days ago.
        case selection(filters: [EC2Filter], olderThanDays: Double?)
    }

    /// Works out and checks what the targets ask for, without calling AWS, so that a bad input is refused before a
    /// run is recorded.
    ///
    /// - Parameters:
    ///   - definition: The workflow.
    ///   - context: The run's `inputs` and `run`.
    /// - Returns: The query.
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` naming the part of the targets at fault.
    static func query(
        for definition: WorkflowDefinition, context: DictionaryContext
    ) throws(SnapshotError) -> Query {
        switch definition.targets {
        case .volumes(let templates):
            var ids: [String] = []
            for template in templates {
                let value: Value
                do {
                    value = try template.resolve(in: context)
                } catch {
                    throw .invalidInput(reason: "a target volume cannot be worked out: \(error)")
                }
                ids += (value.listValue ?? [value]).compactMap(\.stringValue)
            }
            for id in ids where !InputValidation.isVolumeID(id) {
                throw .invalidInput(reason: "the target \"\(id)\" is not a volume id such as vol-0123456789abcdef0")
            }
            return .volumes(ids)
        case .selector(let selector):
            return try selection(selector, context: context)
        }
    }

    /// Resolves the definition's targets to volumes.
    static func resolve(
        _ definition: WorkflowDefinition, context: DictionaryContext, connection: Connection,
        now: Date
    ) async throws(SnapshotError) -> [Volume] {
        switch try query(for: definition, context: context) {
        case .volumes(let ids):
            var volumes: [Volume] = []
            for id in ids {
                do {
                    volumes += try await connection.ec2.describeVolumes(ids: [id])
                } catch let error where error.code == "InvalidVolume.NotFound" {
                    throw .volumeNotFound(
                        volumeID: id, region: connection.target.region, account: connection.confirmedAccount,
                        error: error)
                } catch {
                    throw SnapshotStep.classify(error, snapshotID: nil)
                }
            }
            return volumes
        case .selection(let filters, let days):
            let volumes: [Volume]
            do {
                volumes = try await connection.ec2.describeVolumes(filters: filters)
            } catch {
                throw SnapshotStep.classify(error, snapshotID: nil)
            }
            guard let days else { return volumes.sorted { $0.volumeID < $1.volumeID } }
            let cutoff = now.addingTimeInterval(-days * 86_400)
            return volumes.filter { ($0.createTime ?? .distantFuture) <= cutoff }.sorted { $0.volumeID < $1.volumeID }
        }
    }

    private static func selection(
        _ selector: VolumeSelector, context: DictionaryContext
    ) throws(SnapshotError) -> Query {
        var filters: [EC2Filter] = []
        do {
            if let status = try selector.status?.resolve(in: context).stringValue {
                filters.append(EC2Filter(name: "status", values: [status]))
            }
            if let instance = try selector.attachedTo?.resolve(in: context).stringValue {
                guard StepType.Parameter.Kind.isInstanceID(instance) else {
                    throw SnapshotError.invalidInput(
                        reason: "the selector's attached_to is \"\(instance)\", which is not an instance id such as "
                            + "i-0123456789abcdef0; check the input it is worked out from")
                }
                filters.append(EC2Filter(name: "attachment.instance-id", values: [instance]))
            }
            for (key, value) in selector.tags {
                filters.append(EC2Filter(name: "tag:\(key)", values: [try value.resolve(in: context).text]))
            }
        } catch let error as SnapshotError {
            throw error
        } catch {
            throw .invalidInput(reason: "the target selector cannot be worked out: \(error)")
        }
        let days: Double?
        do {
            days = try selector.olderThanDays?.resolve(in: context).numberValue
        } catch {
            throw .invalidInput(reason: "the selector's older_than_days cannot be worked out: \(error)")
        }
        if let days, !(0...36_500).contains(days) {
            throw .invalidInput(
                reason:
                    "the selector's older_than_days is \(Value.format(days)); it must be a number of days from 0 to "
                    + "36500; check the input it is worked out from")
        }
        return .selection(filters: filters, olderThanDays: days)
    }

    /// What `target.*` reads for a volume.
    static func contextValue(of volume: Volume) -> Value {
        let attachment = volume.attachments.first
        var members: [String: Value] = [
            "volume_id": .string(volume.volumeID), "size": .number(Double(volume.size)),
            "availability_zone": .string(volume.availabilityZone), "volume_type": .string(volume.volumeType),
            "state": .string(volume.state), "encrypted": .bool(volume.isEncrypted),
            "instance_id": .string(attachment?.instanceID ?? ""), "device": .string(attachment?.device ?? ""),
            "tags": .map(Dictionary(volume.tags.map { ($0.key, .string($0.value)) }) { $1 }),
        ]
        members["iops"] = volume.iops.map { .number(Double($0)) } ?? .null
        members["throughput"] = volume.throughput.map { .number(Double($0)) } ?? .null
        return .map(members)
    }

    /// Stores a volume as the run's state keeps it.
    static func record(_ volume: Volume) -> [String: String] {
        let restore = RestoreData(volume: volume)
        return Dictionary(restore.snapshotTags.map { (String($0.key.dropFirst(RestoreData.prefix.count)), $0.value) }) {
            $1
        }.merging(["state": volume.state]) { $1 }
    }

    /// Reads a volume back from the run's state.
    static func volume(from stored: [String: String]) -> Volume? {
        let tags = stored.map { ResourceTag(key: RestoreData.prefix + $0.key, value: $0.value) }
        guard let data = RestoreData.read(from: tags) else { return nil }
        return Volume(
            volumeID: data.volumeID, size: data.size, availabilityZone: data.availabilityZone,
            state: stored["state"] ?? "", volumeType: data.volumeType, iops: data.iops, throughput: data.throughput,
            isEncrypted: data.isEncrypted, kmsKeyID: data.kmsKeyID,
            attachments: data.instanceID.map {
                [VolumeAttachment(instanceID: $0, device: data.device ?? "", state: "attached")]
            } ?? [],
            tags: data.tags)
    }
}
