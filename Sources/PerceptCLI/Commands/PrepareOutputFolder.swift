import ArgumentParser
import Foundation

extension CommandOutput {
    /// Creates an `--out` folder, refusing a non-empty one without `force` and a folder that
    /// holds one of the `inputs` (nothing writes into an input folder); usage errors exit 2.
    static func prepareFolder(_ folder: String, inputs: [URL], force: Bool) throws {
        let target = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path
        guard !inputs.contains(where: { $0.deletingLastPathComponent().standardizedFileURL.resolvingSymlinksInPath().path == target }) else {
            throw usage(file: folder, "is an input folder; choose another output folder")
        }
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        guard existing.isEmpty || force else { throw usage(file: folder, "folder exists and is not empty; use --force to write into it") }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw usage(file: folder, "cannot create the folder: \(error.localizedDescription)")
        }
    }
}

extension CommandOutput {
    /// Refuses an output file that exists (without `force`) or that is the `input` file itself;
    /// usage errors exit 2.
    static func requireNewFile(_ output: String, input: String, force: Bool) throws {
        guard force || !FileManager.default.fileExists(atPath: output) else {
            throw usage(file: output, "already exists; use --force to replace it")
        }
        guard URL(fileURLWithPath: output).standardizedFileURL != URL(fileURLWithPath: input).standardizedFileURL else {
            throw usage(file: output, "is the input file; choose another OUT")
        }
    }
}
