import ArgumentParser

/// `percept autoencoder …`: train autoencoders and VAEs, and use them to reconstruct, denoise,
/// generate and embed images.
struct AutoencoderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autoencoder",
        abstract: "Train autoencoders, denoising autoencoders and VAEs; reconstruct, denoise, generate and embed images.",
        subcommands: [AutoencoderTrainCommand.self, AutoencoderReconstructCommand.self, AutoencoderDenoiseCommand.self,
                      AutoencoderGenerateCommand.self, AutoencoderEmbedCommand.self]
    )
}
