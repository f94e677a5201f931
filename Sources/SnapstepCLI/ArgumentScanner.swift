/// Reads a command's options: `--name value`, `--name=value`, repeated options, and flags.
///
/// Every option a command accepts is declared up front, so an unknown or misspelt option is an error that names
/// it rather than something silently ignored.
struct ArgumentScanner {
    /// A problem with the command line, reported with exit code 2.
    struct UsageError: Error, Equatable {
        var message: String
    }

    private(set) var values: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []

    /// Scans `arguments` against the options that take a value and the flags.
    ///
    /// - Throws: ``UsageError`` for an unknown option, a missing value, or a value given to a flag.
    init(_ arguments: [String], options: Set<String>, flags allowedFlags: Set<String>) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                if argument == "-h" {
                    flags.insert("help")
                } else if argument.hasPrefix("-"), argument.count > 1, Double(argument) == nil {
                    throw UsageError(message: "unknown option \(argument); run with --help to see the options")
                } else {
                    positionals.append(argument)
                }
                continue
            }

            let body = argument.dropFirst(2)
            let name = String(body.prefix { $0 != "=" })
            let inlineValue = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
            if allowedFlags.contains(name) {
                guard inlineValue == nil else { throw UsageError(message: "--\(name) takes no value") }
                flags.insert(name)
            } else if options.contains(name) {
                if let inlineValue {
                    values[name, default: []].append(inlineValue)
                } else {
                    guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                        throw UsageError(message: "--\(name) needs a value")
                    }
                    values[name, default: []].append(arguments[index])
                    index += 1
                }
            } else {
                throw UsageError(message: "unknown option --\(name); run with --help to see the options")
            }
        }
    }

    /// The value of an option given at most once.
    ///
    /// - Throws: ``UsageError`` when the option was given more than once.
    func single(_ name: String) throws(UsageError) -> String? {
        let given = values[name] ?? []
        guard given.count <= 1 else {
            throw UsageError(message: "--\(name) was given \(given.count) times; give it once")
        }
        return given.first
    }

    /// Every value of a repeatable option, in order.
    func all(_ name: String) -> [String] {
        values[name] ?? []
    }

    /// Whether a flag was given.
    func has(_ flag: String) -> Bool {
        flags.contains(flag)
    }
}
