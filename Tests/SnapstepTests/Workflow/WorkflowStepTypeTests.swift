import Snapstep
import Testing

@Suite struct WorkflowStepTypeTests {
    @Test func describesWhatEachStepTypeTakesAndProduces() {
        #expect(
            StepType.allCases.map(\.rawValue) == [
                "create_snapshot", "create_tags", "detach_volume", "delete_volume", "restore_volume", "delete_snapshot",
                "approval",
            ])
        #expect(StepType.createSnapshot.allowedKeys == ["tags", "description", "timeout"])
        #expect(StepType.createSnapshot.outputs.keys == ["snapshot_id", "wait_time", "state", "progress", "volume_id"])
        #expect(StepType.createTags.requiredKeys == ["resource", "tags"])
        #expect(StepType.restoreVolume.requiredKeys == ["snapshot"])
        #expect(StepType.deleteSnapshot.exactlyOneOf == ["snapshot", "keep_newest"])
        #expect(StepType.deleteSnapshot.outputs.dictionary == ["deleted": .list, "kept": .list])
        #expect(StepType.approval.outputs.dictionary == ["approved": .boolean])
        #expect(StepType.deleteVolume.isDestructive && !StepType.createSnapshot.isDestructive)
        #expect(StepType.detachVolume.parameter(named: "force")?.kind == .boolean)
        #expect(StepType.detachVolume.parameter(named: "tags") == nil)
    }

    @Test(
        arguments: [
            (StepType.Parameter.Kind.wholeNumber(minimum: 0), Value.number(0), nil),
            (.wholeNumber(minimum: 0), 2.5, "must be a whole number of at least 0, not number 2.5"),
            (.wholeNumber(minimum: 1), "3", #"must be a whole number of at least 1, not string "3""#),
            (.duration, "1h30m", nil), (.duration, 90, nil),
            (.duration, 0, "must be a duration such as 90s, 15m or 6h, or a number of seconds, not number 0"),
            (
                .duration, "soon",
                #"must be a duration such as 90s, 15m or 6h, or a number of seconds, not string "soon""#
            ),
            (.boolean, false, nil), (.boolean, "false", #"must be true or false, not string "false""#),
            (.snapshotID, "snap-0123456789abcdef0", nil), (.instanceID, "i-01234567", nil),
            (
                .instanceID, "i-0123",
                #"must be an instance id (i- and 8 or 17 lower-case hex digits), not string "i-0123""#
            ),
            (.volumeType, "gp3", nil),
            (.volumeType, "gp4", #"must be a volume type (gp2, gp3, io1, io2, st1, sc1, standard), not string "gp4""#),
            (.tags, ["Name": "x"], nil),
            (
                .tags, ["snapstep:tool": "x"],
                "is not valid: the tag key snapstep:tool uses the prefix snapstep:, which snapstep keeps for its own "
                    + "tags"
            ),
            (.tags, ["Name": 1], "is not valid: the value of tag Name is not a string"),
            (.string, nil, "must be a string, not null"),
        ] as [(StepType.Parameter.Kind, Value, String?)])
    func checksResolvedValues(_ kind: StepType.Parameter.Kind, value: Value, problem: String?) {
        #expect(kind.problem(with: value) == problem)
    }

    @Test func readsDurations() {
        #expect(StepType.Parameter.Kind.duration(of: "6h") == .seconds(21_600))
        #expect(StepType.Parameter.Kind.duration(of: 90) == .seconds(90))
        #expect(StepType.Parameter.Kind.duration(of: -1) == nil)
        #expect(StepType.Parameter.Kind.duration(of: true) == nil)
    }
}
