import Snapstep
import Testing

@Suite struct WorkflowParameterTests {
    static func workflow(inputs: String) -> String {
        """
        name: a
        inputs:
        \(inputs)
        targets: { volumes: [vol-01234567] }
        steps: [{ id: snap, type: create_snapshot }]
        """
    }

    static let inputs = workflow(
        inputs: """
              instance: { type: string, required: true, description: The instance }
              keep: { type: number, default: 3 }
              ratio: { type: number }
              force: { type: boolean, default: false }
              note: { type: string }
            """)

    @Test(
        arguments: [
            (["instance": "i-1"], ["instance": "i-1", "keep": 3, "ratio": nil, "force": false, "note": nil]),
            (
                ["instance": " spaced ", "keep": "7", "ratio": "2.5", "force": "true", "note": ""],
                ["instance": " spaced ", "keep": 7, "ratio": 2.5, "force": true, "note": ""]
            ),
            (
                ["instance": "i-1", "keep": " 0 ", "force": "false"],
                ["instance": "i-1", "keep": 0, "ratio": nil, "force": false, "note": nil]
            ),
        ] as [([String: String], [String: Value])])
    func givesEveryInputItsValue(_ parameters: [String: String], values: [String: Value]) throws {
        let workflow = try WorkflowParser.parse(text: Self.inputs, path: "w.yaml", parameters: parameters)

        #expect(workflow.inputValues == values)
    }

    @Test func readsTheDeclarations() throws {
        let workflow = try WorkflowParser.parse(text: Self.inputs, path: "w.yaml", parameters: ["instance": "i-1"])
        // Inputs compare without their locations, which are checked on their own.
        let anywhere = SourcePosition.wholeFile("w.yaml")

        #expect(
            workflow.inputs == [
                InputDefinition(
                    name: "instance", type: .string, isRequired: true, description: "The instance", location: anywhere),
                InputDefinition(name: "keep", type: .number, defaultValue: 3, location: anywhere),
                InputDefinition(name: "ratio", type: .number, location: anywhere),
                InputDefinition(name: "force", type: .boolean, defaultValue: false, location: anywhere),
                InputDefinition(name: "note", type: .string, location: anywhere),
            ])
        #expect(workflow.inputs.map(\.location.line) == [3, 4, 5, 6, 7])
        #expect(workflow.inputs.map(\.location.column) == [3, 3, 3, 3, 3])
    }

    @Test func reportsEveryParameterProblemAtOnce() throws {
        let errors = try #require(throws: WorkflowErrors.self) {
            try WorkflowParser.parse(
                text: Self.inputs, path: "w.yaml",
                parameters: ["keep": "many", "force": "yes", "ratio": "inf", "colour": "blue", "zone": "b"])
        }

        #expect(
            errors.errors.map(\.description) == [
                "w.yaml:2:1: --param colour: the workflow has no input \"colour\"; its inputs are: instance, keep, "
                    + "ratio, force, note",
                "w.yaml:2:1: --param zone: the workflow has no input \"zone\"; its inputs are: instance, keep, ratio, "
                    + "force, note",
                "w.yaml:3:3: input \"instance\" is required; pass --param instance=…",
                "w.yaml:4:3: --param keep=many: input \"keep\" is a number",
                "w.yaml:5:3: --param ratio=inf: input \"ratio\" is a number",
                "w.yaml:6:3: --param force=yes: input \"force\" is a boolean (true or false)",
            ])
    }

    @Test func reportsAParameterWhenTheWorkflowDeclaresNoInputs() throws {
        let text = "name: a\ntargets: { volumes: [vol-01234567] }\nsteps: [{ id: snap, type: create_snapshot }]\n"
        let errors = try #require(throws: WorkflowErrors.self) {
            try WorkflowParser.parse(text: text, path: "w.yaml", parameters: ["keep": "1"])
        }

        #expect(errors.description == "w.yaml:1:1: --param keep: the workflow has no input \"keep\"; it declares none")
    }

    @Test(
        arguments: [
            (InputType.string, "x y", Value.string("x y")), (.number, "-4.5", -4.5), (.number, "1e2", 100),
            (.number, "four", nil), (.number, "nan", nil), (.boolean, "true", true), (.boolean, "TRUE", nil),
            (.boolean, "1", nil),
        ] as [(InputType, String, Value?)])
    func readsParameterText(_ type: InputType, text: String, value: Value?) {
        #expect(type.value(parsing: text) == value)
    }

    @Test func checksInputTypesInTemplatesAgainstWhatAStepTakes() throws {
        let text = """
            name: a
            inputs:
              keep: { type: number, default: 3 }
              force: { type: boolean, default: false }
            targets: { volumes: [vol-01234567] }
            steps:
              - { id: snap, type: create_snapshot }
              - { id: retention, type: delete_snapshot, with: { keep_newest: "${{ inputs.keep }}" } }
              - id: detach
                type: detach_volume
                with: { force: "${{ inputs.force }}", timeout: "${{ inputs.keep }}" }
            """
        let workflow = try WorkflowParser.parse(text: text, path: "w.yaml", parameters: ["keep": "5"])
        let context = workflow.makeContext(runID: "r", isDryRun: false)

        #expect(try workflow.steps[1].with["keep_newest"]?.resolve(in: context) == 5)
        #expect(try workflow.steps[2].with["force"]?.resolve(in: context) == false)
    }
}
