import Snapstep
import Testing

@Suite struct WorkflowParserTests {
    static let yaml = """
        name: decommission-instance-volumes
        description: Snapshot, detach and delete the volumes of one instance
        integration: local
        region: us-east-1
        account: "123456789012"
        inputs:
          instance_id: { type: string, required: true }
          volume: { type: string, default: vol-0fedcba9876543210 }
          keep: { type: number, default: 3 }
          dry_note: { type: boolean, default: false }
        targets:
          volumes: [vol-0123456789abcdef0, "${{ inputs.volume }}"]
        steps:
          - id: snap
            type: create_snapshot
            with: { tags: { Purpose: decommission }, description: "Before decommissioning", timeout: 6h }
          - id: name
            type: create_tags
            if: steps.snap.wait_time < 3600 && target.size >= 1
            with:
              resource: "${{ steps.snap.snapshot_id }}"
              tags: { Name: "backup-${{ target.volume_id }}-${{ run.id }}" }
          - id: detach
            type: detach_volume
            with: { force: false }
          - id: ok
            type: approval
            with: { message: "Delete ${{ target.volume_id }}?" }
          - id: delete
            type: delete_volume
          - id: back
            type: restore_volume
            with:
              snapshot: "${{ steps.snap.snapshot_id }}"
              availability_zone: us-east-1b
              volume_type: gp3
              attach_to: i-0123456789abcdef0
              device: /dev/sdf
          - id: retention
            type: delete_snapshot
            with: { keep_newest: 3 }
        """

    static let json = """
        {
          "name": "decommission-instance-volumes",
          "description": "Snapshot, detach and delete the volumes of one instance",
          "integration": "local",
          "region": "us-east-1",
          "account": "123456789012",
          "inputs": {
            "instance_id": {"type": "string", "required": true},
            "volume": {"type": "string", "default": "vol-0fedcba9876543210"},
            "keep": {"type": "number", "default": 3},
            "dry_note": {"type": "boolean", "default": false}
          },
          "targets": {"volumes": ["vol-0123456789abcdef0", "${{ inputs.volume }}"]},
          "steps": [
            {"id": "snap", "type": "create_snapshot",
             "with": {"tags": {"Purpose": "decommission"}, "description": "Before decommissioning", "timeout": "6h"}},
            {"id": "name", "type": "create_tags", "if": "steps.snap.wait_time < 3600 && target.size >= 1",
             "with": {"resource": "${{ steps.snap.snapshot_id }}",
                      "tags": {"Name": "backup-${{ target.volume_id }}-${{ run.id }}"}}},
            {"id": "detach", "type": "detach_volume", "with": {"force": false}},
            {"id": "ok", "type": "approval", "with": {"message": "Delete ${{ target.volume_id }}?"}},
            {"id": "delete", "type": "delete_volume"},
            {"id": "back", "type": "restore_volume",
             "with": {"snapshot": "${{ steps.snap.snapshot_id }}", "availability_zone": "us-east-1b",
                      "volume_type": "gp3", "attach_to": "i-0123456789abcdef0", "device": "/dev/sdf"}},
            {"id": "retention", "type": "delete_snapshot", "with": {"keep_newest": 3}}
          ]
        }
        """

    static let parameters = ["instance_id": "i-0123456789abcdef0"]

    @Test func readsEveryPartOfAValidWorkflow() throws {
        let workflow = try WorkflowParser.parse(text: Self.yaml, path: "decommission.yaml", parameters: Self.parameters)

        #expect(workflow.name == "decommission-instance-volumes")
        #expect(workflow.description == "Snapshot, detach and delete the volumes of one instance")
        #expect(workflow.integration == "local")
        #expect(workflow.region == "us-east-1")
        #expect(workflow.account == "123456789012")
        #expect(workflow.sourcePath == "decommission.yaml")
        #expect(workflow.inputs.map(\.name) == ["instance_id", "volume", "keep", "dry_note"])
        #expect(workflow.inputs.map(\.type) == [.string, .string, .number, .boolean])
        #expect(workflow.inputs[0].isRequired)
        #expect(
            workflow.inputValues == [
                "instance_id": "i-0123456789abcdef0", "volume": "vol-0fedcba9876543210", "keep": 3,
                "dry_note": false,
            ])
        #expect(
            workflow.targets
                == .volumes(["vol-0123456789abcdef0", .template(try Template.parse("${{ inputs.volume }}"))]))
        #expect(
            workflow.steps.map(\.type) == [
                .createSnapshot, .createTags, .detachVolume, .approval, .deleteVolume, .restoreVolume,
                .deleteSnapshot,
            ])
        #expect(workflow.steps.map(\.id) == ["snap", "name", "detach", "ok", "delete", "back", "retention"])
    }

    @Test func keepsStepsConditionsAndWithInTheFileOrder() throws {
        let workflow = try WorkflowParser.parse(text: Self.yaml, path: "decommission.yaml", parameters: Self.parameters)
        let name = try #require(workflow.step(withID: "name"))
        let back = try #require(workflow.step(withID: "back"))

        #expect(name.condition == (try WorkflowExpression.parse("steps.snap.wait_time < 3600 && target.size >= 1")))
        #expect(name.with.keys == ["resource", "tags"])
        #expect(name.with["resource"] == .template(try Template.parse("${{ steps.snap.snapshot_id }}")))
        #expect(name.location == SourcePosition(file: "decommission.yaml", line: 17, column: 5))
        #expect(back.with.keys == ["snapshot", "availability_zone", "volume_type", "attach_to", "device"])
        #expect(workflow.step(withID: "retention")?.with["keep_newest"] == .number(3))
        #expect(workflow.step(withID: "snap")?.with["timeout"] == "6h")
    }

    @Test func readsTheJSONFormAsTheSameWorkflow() throws {
        let fromYAML = try WorkflowParser.parse(text: Self.yaml, path: "w.yaml", parameters: Self.parameters)
        let fromJSON = try WorkflowParser.parse(text: Self.json, path: "w.json", parameters: Self.parameters)

        #expect(fromJSON == fromYAML)
        #expect(fromJSON.sourcePath == "w.json")
    }

    @Test func readsCompactJSONWithoutSpacesAfterColons() throws {
        let text = #"{"name":"a","targets":{"volumes":["vol-01234567"]},"steps":[{"id":"s","type":"create_snapshot"}]}"#
        let workflow = try WorkflowParser.parse(text: text, path: "a.json")

        #expect(workflow.steps.map(\.id) == ["s"])
        #expect(workflow.targets == .volumes(["vol-01234567"]))
    }

    @Test func listsTheOutputsLaterStepsUse() throws {
        let workflow = try WorkflowParser.parse(text: Self.yaml, path: "w.yaml", parameters: Self.parameters)

        #expect(workflow.referencedOutputs == ["snap": ["wait_time", "snapshot_id"]])
    }

    @Test func readsASelectorWithEveryCriterion() throws {
        let text = """
            name: old-dev-volumes
            inputs: { instance: { type: string, default: i-0123456789abcdef0 } }
            targets:
              selector:
                status: in-use
                attached_to: "${{ inputs.instance }}"
                tags: { Env: dev, Team: "${{ inputs.instance }}" }
                older_than_days: 30
            steps: [{ id: snap, type: create_snapshot }]
            """
        let workflow = try WorkflowParser.parse(text: text, path: "s.yaml")

        #expect(
            workflow.targets
                == .selector(
                    VolumeSelector(
                        status: "in-use", attachedTo: .template(try Template.parse("${{ inputs.instance }}")),
                        tags: ["Env": "dev", "Team": .template(try Template.parse("${{ inputs.instance }}"))],
                        olderThanDays: 30)))
    }

    @Test func acceptsAnUnquotedAccountAndKeepsItsLeadingZero() throws {
        let text = """
            name: a
            account: 012345678901
            targets: { volumes: [vol-01234567] }
            steps: [{ id: snap, type: create_snapshot }]
            """

        #expect(try WorkflowParser.parse(text: text, path: "a.yaml").account == "012345678901")
    }

    @Test func acceptsAConditionWrittenInsideBraces() throws {
        let text = """
            name: a
            targets: { volumes: [vol-01234567] }
            steps:
              - { id: snap, type: create_snapshot }
              - { id: ok, type: approval, if: "${{ steps.snap.progress == 100 }}" }
              - { id: no, type: approval, if: false }
            """
        let workflow = try WorkflowParser.parse(text: text, path: "a.yaml")

        #expect(workflow.steps[1].condition == (try WorkflowExpression.parse("steps.snap.progress == 100")))
        #expect(workflow.steps[2].condition == .literal(false))
    }

    @Test func makesTheContextARunStartsFrom() throws {
        let workflow = try WorkflowParser.parse(text: Self.yaml, path: "w.yaml", parameters: Self.parameters)
        let context = workflow.makeContext(runID: "run-1", isDryRun: true)

        #expect(context.value(at: ["inputs", "keep"]) == 3)
        #expect(context.value(at: ["run", "id"]) == "run-1")
        #expect(context.value(at: ["run", "dry_run"]) == true)
    }

    @Test func reportsAnUnreadableFileAndAWrongExtensionForTheWholeFile() {
        #expect(
            throws: WorkflowErrors([
                WorkflowError(
                    location: .wholeFile("/nonexistent/w.yaml"),
                    message: "cannot read the workflow file: no such file")
            ])
        ) {
            try WorkflowParser.load(path: "/nonexistent/w.yaml")
        }
        #expect(
            throws: WorkflowErrors([
                WorkflowError(
                    location: .wholeFile("w.txt"), message: "a workflow file must end in .yaml, .yml or .json")
            ])
        ) {
            try WorkflowParser.load(path: "w.txt")
        }
        #expect(WorkflowError(location: .wholeFile("w.txt"), message: "m").description == "w.txt: m")
    }
}
