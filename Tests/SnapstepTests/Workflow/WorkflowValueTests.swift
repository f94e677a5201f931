import Snapstep
import Testing

@Suite struct WorkflowValueTests {
    @Test(
        arguments: [
            (3, "3", "3"), (-0.5, "-0.5", "-0.5"), (1e20, "1e+20", "1e+20"), (true, "true", "true"),
            (nil, "null", ""), ("a \"b\"\n", #""a \"b\"\n""#, "a \"b\"\n"), ("tab\u{1}", #""tab\u0001""#, "tab\u{1}"),
            ([1, "x", nil], #"[1,"x",null]"#, #"[1,"x",null]"#),
            (["b": 1, "a": [true]], #"{"a":[true],"b":1}"#, #"{"a":[true],"b":1}"#),
        ] as [(Value, String, String)])
    func rendersAsJSONAndAsText(_ value: Value, json: String, text: String) {
        #expect(value.description == json)
        #expect(value.text == text)
    }

    @Test func readsItsParts() {
        let value: Value = ["n": 4, "half": 0.5, "s": "x", "list": [1], "flag": false]

        #expect(value.value(at: ["n"])?.integerValue == 4)
        #expect(value.value(at: ["half"])?.integerValue == nil)
        #expect(value.value(at: ["half"])?.numberValue == 0.5)
        #expect(value.value(at: ["s"])?.stringValue == "x")
        #expect(value.value(at: ["list"])?.listValue == [1])
        #expect(value.value(at: ["flag"])?.boolValue == false)
        #expect(value.value(at: ["s", "deeper"]) == nil)
        #expect(value.mapValue?.count == 5)
        #expect(value.kind == .map)
        #expect(Value.null.isNull)
    }

    @Test func setsAndReadsValuesInADictionaryContext() {
        var context = DictionaryContext(["run": ["id": "r"]])
        context.setValue(["snapshot_id": "snap-1"], at: ["steps", "snap"])
        context.setValue(3, at: ["steps", "snap", "wait_time"])
        context.setValue("x", at: ["run", "id", "replaced"])

        #expect(context.value(at: ["steps", "snap", "snapshot_id"]) == "snap-1")
        #expect(context.value(at: ["steps", "snap", "wait_time"]) == 3)
        #expect(context.value(at: ["run", "id"]) == ["replaced": "x"])
        #expect(context.value(at: ["nothing"]) == nil)
        #expect(context.value(at: []) == nil)
    }

    @Test func keepsTheOrderOfAnOrderedMap() {
        var map: OrderedMap<Int> = ["b": 1, "a": 2]
        map["c"] = 3
        map["b"] = 4
        map["a"] = nil

        #expect(map.keys == ["b", "c"])
        #expect(map.values == [4, 3])
        #expect(map.map(\.key) == ["b", "c"])
        #expect(map != ["c": 3, "b": 4])
        #expect(map.description == "[b: 4, c: 3]")
    }
}
