import FoundationEssentials

/// A JSON object of the config file with its dotted path, for strict reading with messages that name the member.
struct ConfigObject {
    /// A member of the wrong type or a key that should not be there.
    struct Problem: Error {
        var reason: String
    }

    let members: [String: JSONTree]
    let path: String

    init(_ value: JSONTree, at path: String) throws(Problem) {
        guard let members = value.objectMembers else {
            throw Problem(reason: "\(path.isEmpty ? "the file" : path) must be a JSON object")
        }
        self.members = members
        self.path = path
    }

    /// Fails when the object has a key outside `allowed`.
    func allowOnly(_ allowed: Set<String>) throws(Problem) {
        for key in members.keys.sorted() where !allowed.contains(key) {
            let known = allowed.sorted().joined(separator: ", ")
            throw Problem(reason: "unknown key \(name(of: key)); the keys allowed here are: \(known)")
        }
    }

    func object(_ key: String) throws(Problem) -> ConfigObject {
        guard let value = members[key] else { throw Problem(reason: "\(name(of: key)) is missing") }
        return try ConfigObject(value, at: name(of: key))
    }

    func optionalObject(_ key: String) throws(Problem) -> ConfigObject? {
        guard let value = members[key] else { return nil }
        return try ConfigObject(value, at: name(of: key))
    }

    func optionalString(_ key: String) throws(Problem) -> String? {
        guard let value = members[key] else { return nil }
        guard let string = value.stringValue, !string.isEmpty else {
            throw Problem(reason: "\(name(of: key)) must be a non-empty string")
        }
        return string
    }

    func string(_ key: String) throws(Problem) -> String {
        guard let string = try optionalString(key) else { throw Problem(reason: "\(name(of: key)) is missing") }
        return string
    }

    func optionalStrings(_ key: String) throws(Problem) -> [String]? {
        guard let value = members[key] else { return nil }
        guard let strings = value.arrayItems?.compactMap(\.stringValue), strings.count == value.arrayItems?.count
        else {
            throw Problem(reason: "\(name(of: key)) must be a list of strings")
        }
        return strings
    }

    func optionalInteger(_ key: String) throws(Problem) -> Int? {
        guard let value = members[key] else { return nil }
        guard let number = value.numberValue, let integer = Int(exactly: number) else {
            throw Problem(reason: "\(name(of: key)) must be a whole number")
        }
        return integer
    }

    func optionalURL(_ key: String) throws(Problem) -> URL? {
        guard let text = try optionalString(key) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
            url.host != nil, url.user == nil, url.password == nil
        else {
            throw Problem(
                reason: "\(name(of: key)) must be an http or https URL with no user or password in it, such as "
                    + "https://ec2.example.com")
        }
        return url
    }

    func name(of key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }
}
