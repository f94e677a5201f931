/// The tags snapstep puts on every snapshot it creates, in the same CreateSnapshot call, so that each snapshot says
/// where it came from and an operation can always find the snapshot it made.
public enum ProvenanceTags {
    /// `snapstep:tool`, always `snapstep`.
    public static let toolKey = "snapstep:tool"
    /// `snapstep:operation-id`, the operation's unique token.
    public static let operationKey = "snapstep:operation-id"
    /// `snapstep:source-volume`, the volume the snapshot was taken from.
    public static let sourceVolumeKey = "snapstep:source-volume"
    /// The prefix reserved for these tags; user tags may not use it.
    public static let reservedPrefix = "snapstep:"

    /// Returns the provenance tags of one operation.
    ///
    /// - Parameters:
    ///   - operationID: The operation's unique token.
    ///   - volumeID: The source volume.
    /// - Returns: The tool, operation and source-volume tags, in that order.
    public static func tags(operationID: String, volumeID: String) -> [ResourceTag] {
        [
            ResourceTag(key: toolKey, value: "snapstep"),
            ResourceTag(key: operationKey, value: operationID),
            ResourceTag(key: sourceVolumeKey, value: volumeID),
        ]
    }
}
