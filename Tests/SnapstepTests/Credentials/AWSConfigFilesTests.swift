import Snapstep
import Testing

@Suite struct AWSConfigFilesTests {
    @Test func parsesSectionsWithLowerCasedKeysSkippingCommentsAndNestedLines() {
        let text = """
            # a comment
            ; another comment
            [default]
            region = eu-west-1
            AWS_Access_Key_ID=AKIDDEFAULT
            s3 =
                max_concurrent_requests = 20
                addressing_style = path
            output = json

            [profile dev]
              role_arn = arn:aws:iam::111111111111:role/Indented
            role_session_name = dev-session
            """

        let sections = AWSConfigFiles.parseINI(text)

        #expect(
            sections == [
                "default": ["region": "eu-west-1", "aws_access_key_id": "AKIDDEFAULT", "s3": "", "output": "json"],
                "profile dev": ["role_session_name": "dev-session"],
            ])
    }

    @Test func keepsAnEmptySectionAndIgnoresSettingsBeforeAnySection() {
        let sections = AWSConfigFiles.parseINI("orphan = 1\n[empty]\n[full]\nkey = a = b\n")

        #expect(sections == ["empty": [:], "full": ["key": "a = b"]])
    }

    @Test func readsASectionHeaderFollowedByAComment() {
        let text = """
            [default]
            region = us-east-1
            [profile prod]  ; production account
            region = eu-west-1
            role_arn = arn:aws:iam::222222222222:role/Prod
            """

        let sections = AWSConfigFiles.parseINI(text)

        // The AWS CLI reads the header and ignores the comment after it.
        #expect(sections["default"] == ["region": "us-east-1"])
        #expect(sections["profile prod"]?["role_arn"] == "arn:aws:iam::222222222222:role/Prod")
    }

    @Test func readsProfilesFromBothFilesWithTheCredentialsFileWinning() throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write(
            """
            [default]
            region = us-east-1
            [profile dev]
            region = eu-west-1
            aws_access_key_id = FROMCONFIG
            [staging]
            region = ignored-because-config-sections-need-the-profile-prefix
            [sso-session corp]
            sso_region = us-east-1
            """, to: "elsewhere/config")
        let credentials = try directory.write(
            """
            [dev]
            aws_access_key_id = FROMCREDENTIALS
            aws_secret_access_key = secret
            [staging]
            aws_access_key_id = STAGING
            """, to: "elsewhere/credentials")

        let files = try AWSConfigFiles.load(environment: [
            "HOME": directory.path, "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": credentials,
        ])

        #expect(
            files.profiles == [
                "default": ["region": "us-east-1"],
                "dev": [
                    "region": "eu-west-1", "aws_access_key_id": "FROMCREDENTIALS", "aws_secret_access_key": "secret",
                ],
                "staging": ["aws_access_key_id": "STAGING"],
            ])
    }

    @Test func readsTheFilesUnderHomeByDefault() throws {
        let directory = try TemporaryDirectory()
        try directory.write("[profile ci]\nregion = ap-southeast-3\n", to: ".aws/config")
        try directory.write("[ci]\naws_access_key_id = AKIDCI\n", to: ".aws/credentials")

        let files = try AWSConfigFiles.load(environment: ["HOME": directory.path])

        #expect(files.profiles == ["ci": ["region": "ap-southeast-3", "aws_access_key_id": "AKIDCI"]])
    }

    @Test func expandsATildeToHome() throws {
        let directory = try TemporaryDirectory()
        try directory.write("[profile tilde]\nregion = eu-north-1\n", to: "custom/config")

        let files = try AWSConfigFiles.load(environment: ["HOME": directory.path, "AWS_CONFIG_FILE": "~/custom/config"])

        #expect(files.profiles["tilde"]?["region"] == "eu-north-1")
    }

    @Test func treatsMissingFilesAsEmpty() throws {
        let directory = try TemporaryDirectory()

        let files = try AWSConfigFiles.load(environment: ["HOME": directory.path])

        #expect(files.profiles.isEmpty)
    }

    @Test func refusesAFileThatExistsButCannotBeRead() throws {
        let directory = try TemporaryDirectory()
        let folder = directory.path

        let error = #expect(throws: CredentialsError.self) {
            try AWSConfigFiles.load(environment: ["HOME": directory.path, "AWS_CONFIG_FILE": folder])
        }

        guard case .invalid(let source, _) = error else {
            Issue.record("expected invalid, got \(String(describing: error))")
            return
        }
        #expect(source == folder)
    }
}
