import Foundation
import Snapstep
import Testing

@Suite struct WorkflowParserErrorTests {
    /// An invalid workflow file and the one error it must produce.
    struct Invalid: Sendable, CustomTestStringConvertible {
        var label: String
        var text: String
        var parameters: [String: String]
        var line: Int
        var column: Int
        var naming: String

        var testDescription: String { label }

        init(
            _ label: String, _ text: String, parameters: [String: String] = [:], at line: Int, _ column: Int,
            naming: String
        ) {
            self.label = label
            self.text = text
            self.parameters = parameters
            self.line = line
            self.column = column
            self.naming = naming
        }
    }

    /// A valid start: name on line 1, targets on line 2, steps on line 3, the first step `snap` on lines 4 and 5.
    static let head = """
        name: a
        targets: { volumes: [vol-01234567] }
        steps:
          - id: snap
            type: create_snapshot

        """

    /// One step on one line, for files whose problem is elsewhere.
    static let oneStep = "steps: [{ id: s, type: create_snapshot }]\n"

    static let cases: [Invalid] = [
        Invalid(
            "YAML syntax error", "name: a\n  bad: indentation\n", at: 2, 6, naming: "mapping values are not allowed"),
        Invalid("empty file", "# nothing here\n", at: 1, 1, naming: "the workflow file is empty"),
        Invalid("top level not a mapping", "- name: a\n", at: 1, 1, naming: "top level must be a mapping"),
        Invalid(
            "unknown top-level key", head + "nmae: b\n", at: 6, 1,
            naming: "unknown key \"nmae\" at the top level (did you mean \"name\"?)"),
        Invalid(
            "missing name", "targets: { volumes: [vol-01234567] }\nsteps: [{ id: a, type: approval }]\n", at: 1, 1,
            naming: "needs a name"),
        Invalid(
            "bad name shape",
            "name: Clean Up\ntargets: { volumes: [vol-01234567] }\nsteps: [{ id: a, type: approval }]\n", at: 1, 7,
            naming: "lower-case letters, digits and -"),
        Invalid("missing steps", "name: a\ntargets: { volumes: [vol-01234567] }\n", at: 1, 1, naming: "needs steps"),
        Invalid(
            "empty steps", "name: a\ntargets: { volumes: [vol-01234567] }\nsteps: []\n", at: 3, 8,
            naming: "steps is empty"),
        Invalid(
            "steps not a list", "name: a\ntargets: { volumes: [vol-01234567] }\nsteps: { id: a }\n", at: 3, 8,
            naming: "steps must be a list of steps, not a mapping"),
        Invalid("step missing id", head + "  - type: approval\n", at: 6, 5, naming: "step 2 needs an id"),
        Invalid("step missing type", head + "  - id: ok\n", at: 6, 5, naming: "step \"ok\" needs a type"),
        Invalid(
            "bad id shape", head + "  - { id: Approve, type: approval }\n", at: 6, 11,
            naming: "the step id \"Approve\" must start with a lower-case letter"),
        Invalid(
            "duplicate id", head + "  - { id: snap, type: approval }\n", at: 6, 11,
            naming: "the step id \"snap\" is used twice"),
        Invalid(
            "unknown step type", head + "  - { id: ok, type: aproval }\n", at: 6, 21,
            naming: "unknown step type \"aproval\" (did you mean \"approval\"?); the types are: create_snapshot,"),
        Invalid(
            "unknown key in a step", head + "    width: { timeout: 6h }\n", at: 6, 5,
            naming: "unknown key \"width\" in a step (did you mean \"with\"?)"),
        Invalid(
            "unknown key in with", head + "    with: { force: true }\n", at: 6, 13,
            naming: "unknown key \"force\" in with of a create_snapshot step; allowed keys: tags, description, "
                + "timeout"),
        Invalid(
            "missing required with key", head + "  - { id: t, type: create_tags, with: { tags: { A: b } } }\n", at: 6,
            33, naming: "step \"t\" needs with.resource"),
        Invalid(
            "tags not a map", head + "    with: { tags: [a, b] }\n", at: 6, 19,
            naming: "tags of step \"snap\" must be a map of tag keys to string values, not list"),
        Invalid(
            "timeout not a duration", head + "    with: { timeout: soon }\n", at: 6, 22,
            naming: "timeout of step \"snap\" must be a duration such as 90s, 15m or 6h"),
        Invalid(
            "force not a Boolean", head + "  - { id: d, type: detach_volume, with: { force: \"yes\" } }\n", at: 6, 50,
            naming: "force of step \"d\" must be true or false, not string \"yes\""),
        Invalid(
            "keep_newest negative", head + "  - { id: r, type: delete_snapshot, with: { keep_newest: -1 } }\n", at: 6,
            58, naming: "keep_newest of step \"r\" must be a whole number of at least 0, not number -1"),
        Invalid(
            "delete_snapshot with both keys",
            head + "  - { id: r, type: delete_snapshot, with: { keep_newest: 1, snapshot: snap-01234567 } }\n", at: 6,
            61, naming: "gives both snapshot and keep_newest"),
        Invalid(
            "delete_snapshot with neither key", head + "  - { id: r, type: delete_snapshot }\n", at: 6, 5,
            naming: "needs with.snapshot or keep_newest"),
        Invalid(
            "unterminated ${{",
            head + "  - { id: ok, type: approval, with: { message: \"Delete ${{ target.volume_id\" } }\n", at: 6, 56,
            naming: "'${{' is not closed by '}}'"),
        Invalid(
            "expression syntax error in if", head + "    if: target.size >= 1 &&\n", at: 6, 28,
            naming: "expected an operand after '&&'"),
        Invalid(
            "expression syntax error in a template",
            head + "    with: { description: \"size ${{ target.size = 1 }}\" }\n", at: 6, 48,
            naming: "'=' is not an operator; compare with '=='"),
        Invalid(
            "unknown step", head + "  - { id: ok, type: approval, if: steps.snp.progress == 100 }\n", at: 6, 35,
            naming: "unknown step \"snp\" (did you mean \"snap\"?); the steps are: snap, ok"),
        Invalid(
            "forward reference", head + "    if: steps.ok.approved\n  - { id: ok, type: approval }\n", at: 6, 9,
            naming: "steps.ok is a forward reference"),
        Invalid(
            "reference to itself", head + "    with: { description: \"${{ steps.snap.snapshot_id }}\" }\n", at: 6, 31,
            naming: "step \"snap\" refers to itself"),
        Invalid(
            "unknown output",
            head + "  - { id: ok, type: approval, with: { message: \"${{ steps.snap.snapshot }}\" } }\n", at: 6, 53,
            naming:
                "a create_snapshot step has no output \"snapshot\" (did you mean \"snapshot_id\"?); its outputs are: "
                + "snapshot_id, wait_time"),
        Invalid(
            "unknown input", head + "    with: { description: \"for ${{ inputs.owner }}\" }\n", at: 6, 35,
            naming: "unknown input \"owner\"; the workflow declares no inputs"),
        Invalid(
            "unknown target field", head + "    if: target.zone == 'us-east-1a'\n", at: 6, 9,
            naming: "unknown target field \"zone\"; the fields are: volume_id, size"),
        Invalid(
            "targets with both",
            "name: a\ntargets:\n  volumes: [vol-01234567]\n  selector: { status: available }\n"
                + oneStep,
            at: 4, 3, naming: "targets has both volumes and selector"),
        Invalid(
            "targets with neither", "name: a\ntargets: {}\n" + oneStep, at: 2, 10,
            naming: "targets needs volumes"),
        Invalid(
            "bad volume id",
            "name: a\ntargets: { volumes: [vol-01234567, vol-XYZ] }\n" + oneStep,
            at: 2, 36, naming: "\"vol-XYZ\" is not a volume id"),
        Invalid(
            "unknown selector key",
            "name: a\ntargets: { selector: { state: available } }\n" + oneStep, at: 2,
            24,
            naming: "unknown key \"state\" in selector (did you mean \"status\"?); allowed keys: status, attached_to, "
                + "tags, older_than_days"),
        Invalid(
            "empty selector", "name: a\ntargets: { selector: {} }\n" + oneStep, at: 2,
            22, naming: "would match every volume in the region"),
        Invalid(
            "steps in targets",
            "name: a\ntargets: { selector: { attached_to: \"${{ steps.s.volume_id }}\" } }\n" + oneStep,
            at: 2, 42, naming: "targets are chosen before any step runs"),
        Invalid(
            "bad region", "name: a\nregion: US East\n" + head.dropFirst(8), at: 2, 9,
            naming: "\"US East\" is not a region name"),
        Invalid(
            "bad account", "name: a\naccount: \"12345\"\n" + head.dropFirst(8), at: 2, 10,
            naming: "\"12345\" is not an account id; expected 12 digits"),
        Invalid(
            "delete without an earlier snapshot",
            "name: a\ntargets: { volumes: [vol-01234567] }\nsteps:\n  - { id: gone, type: delete_volume }\n"
                + "  - { id: snap, type: create_snapshot }\n",
            at: 4, 23, naming: "an earlier create_snapshot step must snapshot it first"),
        Invalid(
            "required input not given",
            "name: a\ninputs:\n  instance: { type: string, required: true }\n" + head.dropFirst(8), at: 3, 3,
            naming: "input \"instance\" is required; pass --param instance=…"),
        Invalid(
            "undeclared parameter", "name: a\ninputs:\n  keep: { type: number, default: 3 }\n" + head.dropFirst(8),
            parameters: ["kepe": "4"], at: 2, 1,
            naming: "--param kepe: the workflow has no input \"kepe\"; its inputs are: keep"),
        Invalid(
            "parameter of the wrong type",
            "name: a\ninputs:\n  keep: { type: number, default: 3 }\n" + head.dropFirst(8),
            parameters: ["keep": "three"], at: 3, 3, naming: "--param keep=three: input \"keep\" is a number"),
        Invalid("anchor", "name: &n a\n" + head.dropFirst(8), at: 1, 7, naming: "anchors (&n) are not supported"),
        Invalid("alias", "name: *n\n" + head.dropFirst(8), at: 1, 7, naming: "aliases (*n) are not supported"),
        Invalid(
            "repeated key", head + "    type: approval\n", at: 6, 5,
            naming: "the key \"type\" appears twice; the first is at line 5"),
        Invalid("second document", head + "---\nname: b\n", at: 6, 1, naming: "holds one YAML document"),
        Invalid(
            "tag value not a string", head + "    with: { tags: { Version: 1.0 } }\n", at: 6, 30,
            naming: "the value of tag Version must be a string, not a number; put it in quotes"),
        Invalid(
            "reserved tag key", head + "    with:\n      tags: { \"aws:owner\": me }\n", at: 7, 15,
            naming: "the tag key aws:owner uses the prefix aws:"),
        Invalid(
            "condition that is not a Boolean", head + "  - { id: ok, type: approval, if: steps.snap.snapshot_id }\n",
            at: 6, 35, naming: "if: must be true or false, but steps.snap.snapshot_id is a string"),
        Invalid(
            "input of the wrong type in a with value",
            "name: a\ninputs: { who: { type: string, default: x } }\n" + head.dropFirst(8)
                + "  - { id: r, type: delete_snapshot, with: { keep_newest: \"${{ inputs.who }}\" } }\n", at: 7, 58,
            naming:
                "keep_newest of step \"r\" must be a whole number of at least 0, but ${{ inputs.who }} gives a string"),
        Invalid(
            "text around an expression where a number belongs",
            "name: a\ninputs: { keep: { type: number, default: 3 } }\n" + head.dropFirst(8)
                + "  - { id: r, type: delete_snapshot, with: { keep_newest: \"n${{ inputs.keep }}\" } }\n", at: 7, 58,
            naming: "gives a string"),
        Invalid(
            "required input with a default",
            "name: a\ninputs:\n  keep: { type: number, required: true, default: 3 }\n" + head.dropFirst(8),
            parameters: ["keep": "1"], at: 3, 41, naming: "input \"keep\" is required and has a default"),
        Invalid(
            "default of the wrong type",
            "name: a\ninputs:\n  keep: { type: number, default: many }\n" + head.dropFirst(8), at: 3, 34,
            naming: "the default of input \"keep\" must be a number, not a string"),
        Invalid(
            "invalid duration string", head + "    with: { timeout: 6x }\n", at: 6, 22, naming: "not string \"6x\""),
        Invalid(
            "bad snapshot id literal", head + "  - { id: back, type: restore_volume, with: { snapshot: snap-12 } }\n",
            at: 6, 57, naming: "must be a snapshot id"),
        Invalid(
            "unknown name in an expression", head + "    if: size > 1\n", at: 6, 9,
            naming: "unknown name \"size\"; a reference starts with inputs., steps., target. or run."),
        Invalid(
            "control character", "name: a\u{7}b\n", at: 1, 8, naming: "invalid YAML: control characters are not allowed"
        ),
        Invalid(
            "key that is not a string", head + "    ? [a]\n    : b\n", at: 6, 7,
            naming: "a mapping key must be a plain string, not a list"),
        Invalid(
            "Windows line endings",
            (head + "    with: { description: \"${{ inputs.x }}\" }\n").replacingOccurrences(of: "\n", with: "\r\n"),
            at: 6, 31, naming: "unknown input \"x\""),
        Invalid(
            "reference in a block scalar", head + "    with:\n      description: |\n        for ${{ inputs.x }}\n",
            at: 7, 20, naming: "unknown input \"x\""),
        Invalid(
            "step that is not a mapping", head + "  - approval\n", at: 6, 5,
            naming: "step 2 must be a mapping with id and type, not a string"),
        Invalid(
            "volumes not a list",
            "name: a\ntargets: { volumes: vol-01234567 }\n" + oneStep, at: 2, 21,
            naming: "volumes must be a list of volume ids, not a string"),
        Invalid(
            "volume listed twice",
            "name: a\ntargets: { volumes: [vol-01234567, vol-01234567] }\n" + oneStep,
            at: 2, 36, naming: "the volume vol-01234567 is listed twice"),
        Invalid(
            "bad selector status",
            "name: a\ntargets: { selector: { status: attached } }\n" + oneStep, at: 2,
            32, naming: "status \"attached\" must be one of creating, available, in-use"),
        Invalid(
            "bad instance id in a selector",
            "name: a\ntargets: { selector: { attached_to: web-1 } }\n" + oneStep,
            at: 2, 37, naming: "must be an instance id"),
        Invalid(
            "key holding an expression", head + "    with: { tags: { \"${{ run.id }}\": x } }\n", at: 6, 21,
            naming: "a key cannot hold an expression"),
        Invalid(
            "unknown input type", "name: a\ninputs: { keep: { type: integer } }\n" + head.dropFirst(8), at: 2, 25,
            naming: "the type of input \"keep\" must be string, number or boolean"),
        Invalid(
            "bad input name", "name: a\ninputs: { Keep: { type: number } }\n" + head.dropFirst(8), at: 2, 11,
            naming: "the input name \"Keep\" must start with a lower-case letter"),
        Invalid(
            "unknown run field", head + "    with: { description: \"${{ run.name }}\" }\n", at: 6, 31,
            naming: "unknown run field \"name\"; the fields are: id, dry_run"),
    ]

    @Test(arguments: cases)
    func reportsTheProblemAtItsNode(_ invalid: Invalid) throws {
        let errors = try #require(throws: WorkflowErrors.self) {
            try WorkflowParser.parse(text: invalid.text, path: "w.yaml", parameters: invalid.parameters)
        }
        let error = try #require(errors.errors.first)

        #expect(errors.errors.count == 1, "\(errors)")
        #expect(
            error.location == SourcePosition(file: "w.yaml", line: invalid.line, column: invalid.column), "\(error)")
        #expect(error.message.contains(invalid.naming), "\(error)")
        #expect(error.description.hasPrefix("w.yaml:\(invalid.line):\(invalid.column): "))
    }

    @Test func reportsEveryProblemSortedByPosition() throws {
        let text = """
            name: a
            colour: blue
            targets: { volumes: [vol-zz] }
            steps:
              - { id: b, type: approval, if: steps.later.approved }
              - { id: later, type: approval, with: { mesage: hi } }
            """
        let errors = try #require(throws: WorkflowErrors.self) { try WorkflowParser.parse(text: text, path: "w.yaml") }

        #expect(
            errors.errors.map { [$0.location.line, $0.location.column] } == [[2, 1], [3, 22], [5, 34], [6, 42]])
        #expect(
            errors.errors.first?.description
                == "w.yaml:2:1: unknown key \"colour\" at the top level; allowed keys: name, description, integration, "
                + "region, account, inputs, targets, steps")
    }

    @Test func countsColumnsInUnicodeScalarsLikeLibyaml() throws {
        let text = Self.head + "    with: { description: \"Sauvegarde été ${{ target.nom }}\" }\n"
        let errors = try #require(throws: WorkflowErrors.self) { try WorkflowParser.parse(text: text, path: "w.yaml") }

        #expect(errors.errors.map(\.location.column) == [46])
    }

    @Test func pointsAtTheStringWhenItsTextIsNotWrittenAsItReads() throws {
        // An escape makes the text differ from the file, so the column of the reference cannot be known exactly.
        let text = Self.head + "    with: { description: \"tab\\t${{ inputs.x }}\" }\n"
        let errors = try #require(throws: WorkflowErrors.self) { try WorkflowParser.parse(text: text, path: "w.yaml") }

        #expect(errors.errors.map(\.location) == [SourcePosition(file: "w.yaml", line: 6, column: 26)])
    }

    @Test func refusesNestingDeeperThanTheLimit() throws {
        let text = "name: a\nsteps: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n"
        let errors = try #require(throws: WorkflowErrors.self) { try WorkflowParser.parse(text: text, path: "w.yaml") }

        #expect(errors.errors.first?.message.contains("nest deeper than 64 levels") == true)
    }
}
