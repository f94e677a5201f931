import Snapstep
import Testing

@Suite struct QueryParametersTests {
    @Test func startsWithTheActionAndTheVersion() {
        let parameters = QueryParameters(action: "DescribeSnapshots", version: "2016-11-15")

        #expect(parameters.formEncoded == "Action=DescribeSnapshots&Version=2016-11-15")
        #expect(parameters.action == "DescribeSnapshots")
        #expect(parameters["Version"] == "2016-11-15")
    }

    @Test func numbersListValuesFromOne() {
        var parameters = QueryParameters(action: "DescribeSnapshots", version: "2016-11-15")
        parameters.append(list: "SnapshotId", ["snap-0000000a", "snap-0000000b"])

        #expect(parameters.formEncoded.hasSuffix("&SnapshotId.1=snap-0000000a&SnapshotId.2=snap-0000000b"))
    }

    @Test func numbersFiltersAndTheirValues() {
        var parameters = QueryParameters(action: "DescribeSnapshots", version: "2016-11-15")
        parameters.append(filters: [
            EC2Filter(name: "volume-id", values: ["vol-0000000a"]),
            EC2Filter(name: "tag:Env", values: ["prod", "staging"]),
        ])

        #expect(
            parameters.pairs.map(\.name) == [
                "Action", "Version", "Filter.1.Name", "Filter.1.Value.1", "Filter.2.Name", "Filter.2.Value.1",
                "Filter.2.Value.2",
            ])
        #expect(parameters["Filter.2.Value.2"] == "staging")
    }

    @Test func numbersTagsUnderTheirPrefix() {
        var parameters = QueryParameters(action: "CreateSnapshot", version: "2016-11-15")
        parameters.append("TagSpecification.1.ResourceType", "snapshot")
        parameters.append(
            tags: [ResourceTag(key: "Env", value: "prod"), ResourceTag(key: "Owner", value: "")],
            prefix: "TagSpecification.1.Tag")

        #expect(
            parameters.formEncoded.hasSuffix(
                "&TagSpecification.1.ResourceType=snapshot&TagSpecification.1.Tag.1.Key=Env"
                    + "&TagSpecification.1.Tag.1.Value=prod&TagSpecification.1.Tag.2.Key=Owner"
                    + "&TagSpecification.1.Tag.2.Value="))
    }

    @Test func leavesOutEmptyListsAndAbsentValues() {
        var parameters = QueryParameters(action: "DescribeSnapshots", version: "2016-11-15")
        parameters.append(list: "SnapshotId", [])
        parameters.append(filters: [])
        parameters.append(tags: [], prefix: "TagSpecification.1.Tag")
        parameters.append("NextToken", ifPresent: nil)

        #expect(parameters.formEncoded == "Action=DescribeSnapshots&Version=2016-11-15")
    }

    /// Bytes are encoded as botocore encodes a form: only `A-Z a-z 0-9 - _ . ~` kept, a space as `+`, anything else
    /// `%XX` in upper-case hex, so that a literal `+` is `%2B` and never read back as a space.
    @Test(arguments: [
        ("é", "%C3%A9"),
        ("日本", "%E6%97%A5%E6%9C%AC"),
        ("🙂", "%F0%9F%99%82"),
        ("a b", "a+b"),
        ("a+b c", "a%2Bb+c"),
        ("+", "%2B"),
        ("~", "~"),
        ("*", "%2A"),
        ("%", "%25"),
        ("/", "%2F"),
        ("=", "%3D"),
        ("&", "%26"),
        ("?", "%3F"),
        ("AZaz09-_.", "AZaz09-_."),
    ])
    func percentEncodesTagKeysAndValuesFromTheirUTF8Bytes(text: String, encoded: String) {
        var parameters = QueryParameters(action: "CreateSnapshot", version: "2016-11-15")
        parameters.append(tags: [ResourceTag(key: text, value: "x\(text)")], prefix: "TagSpecification.1.Tag")

        #expect(
            parameters.formEncoded
                == "Action=CreateSnapshot&Version=2016-11-15&TagSpecification.1.Tag.1.Key=\(encoded)"
                + "&TagSpecification.1.Tag.1.Value=x\(encoded)")
    }

    @Test func comparesNamesAndValuesInOrder() {
        var first = QueryParameters(action: "DescribeVolumes", version: "2016-11-15")
        first.append("A", "1")
        first.append("B", "2")
        var second = QueryParameters(action: "DescribeVolumes", version: "2016-11-15")
        second.append("B", "2")
        second.append("A", "1")

        #expect(first != second)
        #expect(first == first)
    }
}
