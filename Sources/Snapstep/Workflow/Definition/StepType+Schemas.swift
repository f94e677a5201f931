extension StepType {
    /// What one step type takes and produces.
    struct Schema {
        var parameters: [Parameter]
        var outputs: OrderedMap<Value.Kind>
    }

    /// The schema of every step type: the `with` keys of the documentation and the outputs steps produce.
    static let schemas: [StepType: Schema] = [
        .createSnapshot: Schema(
            parameters: [Parameter("tags", .tags), Parameter("description", .string), Parameter("timeout", .duration)],
            outputs: [
                "snapshot_id": .string, "wait_time": .number, "state": .string, "progress": .number,
                "volume_id": .string,
            ]),
        .createTags: Schema(
            parameters: [Parameter("resource", .string, isRequired: true), Parameter("tags", .tags, isRequired: true)],
            outputs: ["resource_id": .string, "tags": .map]),
        .detachVolume: Schema(
            parameters: [Parameter("force", .boolean), Parameter("timeout", .duration)],
            outputs: ["volume_id": .string, "instance_id": .string, "device": .string]),
        .deleteVolume: Schema(
            parameters: [Parameter("snapshot", .snapshotID)],
            outputs: ["volume_id": .string, "snapshot_id": .string]),
        .restoreVolume: Schema(
            parameters: [
                Parameter("snapshot", .snapshotID, isRequired: true), Parameter("availability_zone", .string),
                Parameter("volume_type", .volumeType), Parameter("size", .wholeNumber(minimum: 1)),
                Parameter("iops", .wholeNumber(minimum: 1)), Parameter("throughput", .wholeNumber(minimum: 1)),
                Parameter("tags", .tags), Parameter("attach_to", .instanceID), Parameter("device", .string),
                Parameter("timeout", .duration),
            ],
            outputs: ["volume_id": .string, "snapshot_id": .string, "availability_zone": .string]),
        .deleteSnapshot: Schema(
            parameters: [Parameter("snapshot", .snapshotID), Parameter("keep_newest", .wholeNumber(minimum: 0))],
            outputs: ["deleted": .list, "kept": .list]),
        .approval: Schema(
            parameters: [Parameter("message", .string)],
            outputs: ["approved": .boolean]),
    ]
}
