import ArgumentParser

/// Better advice than ArgumentParser's for `--format` given to a command that names formats
/// with `--to`/`--from`: it would answer "Did you mean '--force'?", or only that `--to` is
/// missing.
enum UnknownOptionAdvice {
    /// `message` (a usage error for `arguments`) with its first line replaced by the options
    /// of the command that take a format, when `--format` was given and the command has none;
    /// unchanged otherwise.
    static func rewrite(_ message: String, arguments: [String]) -> String {
        guard arguments.contains(where: { $0 == "--format" || $0.hasPrefix("--format=") }) else { return message }
        let help = PerceptCommand.helpMessage(for: command(in: arguments))
        let lines = help.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        func offers(_ option: String) -> Bool { lines.contains { $0.hasPrefix(option + " <") } }
        let options = ["--from", "--to"].filter(offers)
        guard !offers("--format"), !options.isEmpty else { return message }
        let advice = "Error: Unknown option '--format'. This command names formats with \(options.joined(separator: " and ")), e.g. \(options.last ?? "") voc."
        let rest = message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst()
        return ([advice] + rest.map(String.init)).joined(separator: "\n")
    }

    /// The deepest subcommand the arguments name.
    static func command(in arguments: [String]) -> ParsableCommand.Type {
        var command: ParsableCommand.Type = PerceptCommand.self
        for argument in arguments where !argument.hasPrefix("-") {
            guard let next = command.configuration.subcommands.first(where: { $0.configuration.commandName == argument }) else { break }
            command = next
        }
        return command
    }
}
