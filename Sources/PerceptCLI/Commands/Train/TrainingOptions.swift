import ArgumentParser
import Foundation

/// The options every `… train` command shares, defined once (later tasks add theirs here).
/// Each is optional on the command line so a value can come, in this order, from the flag, the
/// `--cfg` file, the resumed run's `args.yaml`, or the default; ``TrainingArguments`` resolves
/// them and checks their types.
struct TrainingOptions: ParsableArguments {
    @Option(help: "A registry name (see `percept models`) or a weights file to start from (.safetensors, or PyTorch's .pt/.pth).")
    var model: String?
    @Option(help: "Weights to start --model NAME from (.safetensors or PyTorch .pt/.pth); a head for another class count is replaced.")
    var weights: String?
    @Option(help: "The data: fashion-mnist, cifar10:DIR, cifar100:DIR, or a folder of class folders (or train/ and val/ of them).")
    var data: String?
    @Option(help: "Epochs to train (default 10).")
    var epochs: String?
    @Option(help: "The global batch size (default 64).")
    var batch: String?
    @Option(help: "Keep only these classes of the data, relabelled 0… in this order: indices and ranges, e.g. 5-9 or 0,2,4.")
    var classes: String?
    @Option(name: .customLong("per-class"), help: "Train on at most this many images of each class (the first ones; validation keeps all).")
    var perClass: String?
    @Option(help: "The square input size the model is built for (default: the square size --augment makes of the data, else the data's image size).")
    var imgsz: String?
    @Option(help: "The initial learning rate (default 0.001).")
    var lr: String?
    @Option(help: "sgd|adam|adamw|rmsprop (default adam).")
    var optimizer: String?
    @Option(help: "constant|cosine|step|onecycle|linear (default constant; linear ends at 1% of --lr, as Ultralytics' default).")
    var schedule: String?
    @Option(name: .customLong("warmup-epochs"), help: "Epochs of linear learning-rate warm-up (default 0).")
    var warmupEpochs: String?
    @Option(name: .customLong("weight-decay"), help: "Weight decay (default 0).")
    var weightDecay: String?
    @Option(help: "An augmentation pipeline file (YAML or JSON, as `percept augment` takes; default none, except segment train: flip-rotate).")
    var augment: String?
    @Option(help: "Data-loading threads (default: half the thread budget, at least 1; 0 loads on the training thread).")
    var workers: String?
    @Option(help: "The random seed (default 0).")
    var seed: String?
    @Option(help: "The folder of runs (default runs).")
    var project: String?
    @Option(help: "The run's name (default train, train2, …).")
    var name: String?
    @Option(help: "Resume a run: its folder or its weights/last.safetensors. Its args.yaml is used; other values are an error.")
    var resume: String?
    @Option(help: "Stop after this many epochs without a better validation accuracy (default: never).")
    var patience: String?
    @Option(name: .customLong("val-split"), help: "The validation share of a folder without train/ and val/ (default 0.2).")
    var valSplit: String?
    @Flag(name: .customLong("skip-bad"), help: "Skip unreadable samples with a warning instead of stopping.")
    var skipBad = false
    @Option(help: "Input normalisation per channel: none, auto (mean/std of the training split) or MEAN/STD with comma-separated channels, e.g. 0.286/0.353 (default none). Stored in the weights; val and predict apply it.")
    var normalize: String?
    @Option(name: .customLong("model-options"), help: "The model's family options, such as width1=16,dropout=0.1 (`percept models` names them).")
    var modelOptions: String?
    @Option(help: "A YAML file of options (keys as in args.yaml); flags override it.")
    var cfg: String?
    @Option(help: "Parameters to freeze: name patterns (globs or prefixes, comma-separated), first:N or all-but-last:K tensors, or first-modules:N (the rows model.0 … model.N-1 of a YOLO model, Ultralytics' freeze=N).")
    var freeze: String?
    @Option(help: "Unfreeze during training: 'EPOCH:SPEC;EPOCH:SPEC' (after epoch EPOCH; SPEC as --freeze, * for all).")
    var unfreeze: String?
    @Option(name: .customLong("backbone-lr-factor"), help: "Learning-rate factor of everything but the head (default 1).")
    var backboneLRFactor: String?
    @Option(help: "mpi: train data-parallel over the ranks of an MPI job (detected without the flag under mpirun or srun); none: alone. Not saved in args.yaml, so --resume may use another rank count.")
    var distributed: String?
    @Flag(name: .customLong("sync-bn"), help: "With --distributed: batch norm uses statistics over the global batch instead of each rank's slice.")
    var syncBN = false

    /// The values given on the command line, keyed as in `args.yaml`.
    var given: [String: String] {
        let pairs: [(String, String?)] = [
            ("model", model), ("weights", weights), ("data", data), ("classes", classes), ("per_class", perClass), ("epochs", epochs), ("batch", batch), ("imgsz", imgsz), ("lr", lr),
            ("optimizer", optimizer), ("schedule", schedule), ("warmup_epochs", warmupEpochs), ("weight_decay", weightDecay),
            ("augment", augment), ("workers", workers), ("seed", seed), ("project", project), ("name", name),
            ("patience", patience), ("val_split", valSplit), ("skip_bad", skipBad ? "true" : nil), ("normalize", normalize),
            ("freeze", freeze), ("unfreeze", unfreeze), ("backbone_lr_factor", backboneLRFactor), ("model_options", modelOptions),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } })
    }
}
