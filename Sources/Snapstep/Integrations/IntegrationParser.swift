import FoundationEssentials

/// Reads one integration of the config file.
enum IntegrationParser {
    static func parse(_ object: ConfigObject, name: String) throws(ConfigObject.Problem) -> Integration {
        try object.allowOnly(["credentials", "default_region", "regions", "endpoint", "endpoints", "accounts"])

        let regions = try object.optionalStrings("regions") ?? []
        for region in regions where !InputValidation.isRegion(region) {
            throw .init(reason: "\(object.name(of: "regions")) has \"\(region)\", which is not a region name")
        }
        let defaultRegion = try object.optionalString("default_region")
        if let defaultRegion, !InputValidation.isRegion(defaultRegion) {
            throw .init(reason: "\(object.name(of: "default_region")) \"\(defaultRegion)\" is not a region name")
        }

        var ec2Endpoint = try object.optionalURL("endpoint")
        var stsEndpoint = ec2Endpoint
        if let endpoints = try object.optionalObject("endpoints") {
            try endpoints.allowOnly(["ec2", "sts"])
            ec2Endpoint = try endpoints.optionalURL("ec2") ?? ec2Endpoint
            stsEndpoint = try endpoints.optionalURL("sts") ?? stsEndpoint
        }

        var accounts: [String: Integration.Account] = [:]
        if let accountsObject = try object.optionalObject("accounts") {
            for (account, value) in accountsObject.members {
                guard InputValidation.isAccount(account) else {
                    throw .init(reason: "\(accountsObject.name(of: account)): an account id is 12 digits")
                }
                accounts[account] = try parseAccount(ConfigObject(value, at: accountsObject.name(of: account)))
            }
        }

        return Integration(
            name: name, credentials: try parseCredentials(object.object("credentials")),
            defaultRegion: defaultRegion, regions: regions, ec2Endpoint: ec2Endpoint, stsEndpoint: stsEndpoint,
            accounts: accounts)
    }

    private static func parseCredentials(
        _ object: ConfigObject
    ) throws(ConfigObject.Problem)
        -> Integration.CredentialsSource
    {
        let source = try object.string("source")
        switch source {
        case "environment":
            try object.allowOnly(["source"])
            return .environment
        case "chain":
            try object.allowOnly(["source"])
            return .chain
        case "profile":
            try object.allowOnly(["source", "profile"])
            return .profile(try object.string("profile"))
        case "variables":
            try object.allowOnly(["source", "access_key_id", "secret_access_key", "session_token"])
            return .variables(
                .init(
                    accessKeyID: try object.string("access_key_id"),
                    secretAccessKey: try object.string("secret_access_key"),
                    sessionToken: try object.optionalString("session_token")))
        default:
            throw .init(
                reason: "\(object.name(of: "source")) \"\(source)\" is not one of environment, profile, variables, "
                    + "chain (secrets are never written in this file)")
        }
    }

    private static func parseAccount(_ object: ConfigObject) throws(ConfigObject.Problem) -> Integration.Account {
        try object.allowOnly(["role_arn", "external_id", "session_name", "duration_seconds"])
        let roleARN = try object.optionalString("role_arn")
        if let roleARN, !(roleARN.hasPrefix("arn:") && roleARN.contains(":role/")) {
            throw .init(reason: "\(object.name(of: "role_arn")) must be a role ARN, such as arn:aws:iam::…:role/Name")
        }
        let sessionName = try object.optionalString("session_name")
        if let sessionName, !RoleSessionName.isValid(sessionName) {
            throw .init(
                reason: "\(object.name(of: "session_name")) must be 2 to 64 characters of letters, digits and _+=,.@-")
        }
        let seconds = try object.optionalInteger("duration_seconds") ?? 3600
        guard (900...43_200).contains(seconds) else {
            throw .init(reason: "\(object.name(of: "duration_seconds")) must be between 900 and 43200")
        }
        return Integration.Account(
            roleARN: roleARN, externalID: try object.optionalString("external_id"), sessionName: sessionName,
            sessionDuration: .seconds(seconds))
    }
}
