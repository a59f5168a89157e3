// swift-tools-version:6.0
import PackageDescription

// The module map and the direction of dependencies are in Sources/README.md.
let package = Package(
    name: "Percept",
    products: [
        .executable(name: "percept", targets: ["PerceptCLI"]),
        .library(name: "Percept", targets: ["Percept"]),
        .library(name: "PerceptRandom", targets: ["PerceptRandom"]),
        .library(name: "PerceptTensor", targets: ["PerceptTensor"]),
        .library(name: "PerceptNN", targets: ["PerceptNN"]),
        .library(name: "PerceptModels", targets: ["PerceptModels"]),
        .library(name: "PerceptImage", targets: ["PerceptImage"]),
        .library(name: "PerceptLabels", targets: ["PerceptLabels"]),
        .library(name: "PerceptAugment", targets: ["PerceptAugment"]),
        .library(name: "PerceptEval", targets: ["PerceptEval"]),
        .library(name: "PerceptPointCloud", targets: ["PerceptPointCloud"]),
        .library(name: "PerceptData", targets: ["PerceptData"]),
        .library(name: "PerceptDistributed", targets: ["PerceptDistributed"]),
        .library(name: "PerceptTrain", targets: ["PerceptTrain"]),
        .library(name: "PerceptAnnotator", targets: ["PerceptAnnotator"]),
        .library(name: "PerceptExport", targets: ["PerceptExport"]),
        .library(name: "PerceptServe", targets: ["PerceptServe"]),
        .library(name: "PerceptHTTP", targets: ["PerceptHTTP"]),
        // PCL's bridge as its own shared library (libPerceptPCL.so), which PCLBridge loads at first use.
        .library(name: "PerceptPCL", type: .dynamic, targets: ["PCLBridgeLibrary"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
    ],
    targets: [
        // C libraries from Debian. OpenBLAS is not linked: COpenBLAS loads it at first use,
        // after choosing the kernel for this CPU (see Sources/COpenBLAS/blas_loader.c).
        .target(name: "COpenBLAS", linkerSettings: [.linkedLibrary("dl")]),
        // oneDNN (Debian's libdnnl-dev: headers only at build time) is not linked either: CDNNL
        // loads libdnnl.so.2 at first use and falls back when it is missing or PERCEPT_NO_DNNL=1.
        .target(name: "CDNNL", linkerSettings: [.linkedLibrary("dl")]),
        // Open MPI (Debian's libopenmpi3) is not linked either: CMPI loads libmpi.so.40 at first
        // use, so commands run without MPI start as fast as before (see Sources/CMPI/mpi_loader.c).
        .target(name: "CMPI", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        // libdeflate's whole-buffer zlib decompressor: CImageCodecs' fast PNG decode path.
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        // PCL: pkg-config pcl_common gives the include paths (PCL and Eigen) and -lpcl_common; the other
        // PCL libraries are named here, since their pkg-config files drag in HDF5, MPI and OpenNI.
        // PCL and its chain would cost every start ~70 ms of symbol binding, so nothing links them:
        // PCLBridgeLibrary becomes libPerceptPCL.so (product PerceptPCL) and PCLBridge, the C API
        // Swift imports, loads it at the first call (see Sources/PCLBridge/pcl_bridge_loader.c).
        .systemLibrary(name: "CPCL", pkgConfig: "pcl_common", providers: [.apt(["libpcl-dev"])]),
        .target(name: "PCLBridgeLibrary", dependencies: ["CPCL"], linkerSettings: [
            .linkedLibrary("pcl_filters"), .linkedLibrary("pcl_segmentation"), .linkedLibrary("pcl_search"),
            .linkedLibrary("pcl_kdtree"), .linkedLibrary("pcl_sample_consensus"), .linkedLibrary("pcl_features"),
        ]),
        .target(name: "PCLBridge", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        // libpng and libjpeg report errors by longjmp and libtiff through varargs callbacks;
        // both must stay in C, and these helpers keep them there.
        .target(name: "CImageCodecs", dependencies: ["CPNG", "CJPEG", "CTIFF", "CDeflate"]),
        // The 8-bit inner loops of augmentation, with AVX2 versions chosen at run time (Swift
        // itself compiles for baseline x86-64).
        .target(name: "CPixelKernels"),

        // Libraries, bottom to top.
        // The one xoshiro256** core the engine, augmentation and point clouds draw from.
        .target(name: "PerceptRandom"),
        // The one thread budget every threaded library draws from.
        .target(name: "PerceptThreads"),
        // Quoting file content for messages (control characters escaped, length bounded): every reader's.
        .target(name: "PerceptMessages"),
        .target(name: "PerceptTensor", dependencies: ["COpenBLAS", "CDNNL", "PerceptRandom", "PerceptThreads", "PerceptMessages"]),
        .target(name: "PerceptNN", dependencies: ["PerceptTensor"]),
        .target(name: "PerceptModels", dependencies: ["PerceptNN"]),
        .target(name: "PerceptImage", dependencies: ["CPNG", "CJPEG", "CWebP", "CImageCodecs", "CPixelKernels", "PerceptThreads", "PerceptMessages"]),
        .target(name: "PerceptLabels", dependencies: ["PerceptImage", "PerceptMessages", .product(name: "Yams", package: "Yams")]),
        .target(name: "PerceptAugment", dependencies: [
            "PerceptImage", "PerceptLabels", "PerceptRandom", "PerceptThreads", "PerceptMessages", "CPixelKernels", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "PerceptEval", dependencies: ["PerceptLabels", "PerceptThreads"]),
        .target(name: "PerceptPointCloud", dependencies: ["PCLBridge", "PerceptRandom", "PerceptMessages"]),
        .target(name: "PerceptData", dependencies: [
            "PerceptTensor", "PerceptThreads", "PerceptImage", "PerceptAugment", "PerceptLabels", "PerceptPointCloud", "PerceptRandom", "PerceptMessages", "CDeflate",
        ]),
        // MPI collectives with typed errors and a timeout on each: data-parallel training, sharded jobs.
        .target(name: "PerceptDistributed", dependencies: ["CMPI"]),
        .target(name: "PerceptTrain", dependencies: ["PerceptNN", "PerceptDistributed", "PerceptModels", "PerceptData", "PerceptEval", "PerceptLabels", "PerceptRandom", "PerceptThreads",
                                                  .product(name: "Yams", package: "Yams")]),
        // ONNX files: its own small protobuf writer and reader, no runtime (see README's export section).
        .target(name: "PerceptExport", dependencies: ["PerceptModels", "PerceptNN", "PerceptTensor"]),
        // What Percept's two HTTP servers share: starting Hummingbird, loopback and token checks, JSON errors.
        .target(name: "PerceptHTTP", dependencies: [
            "PerceptLabels", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
        ]),
        // The inference server (`percept serve`): trained models behind an HTTP API, requests batched.
        .target(name: "PerceptServe", dependencies: [
            "PerceptTrain", "PerceptData", "PerceptModels", "PerceptTensor", "PerceptImage", "PerceptLabels", "PerceptPointCloud", "PerceptHTTP",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .target(name: "PerceptAnnotator", dependencies: [
            "PerceptLabels", "PerceptImage", "PerceptHTTP",
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "GRDB", package: "GRDB.swift"),
        ], exclude: ["Web"]),
        .target(name: "Percept", dependencies: [
            "PerceptThreads", "PerceptMessages", "PerceptTensor", "PerceptNN", "PerceptModels", "PerceptImage", "PerceptLabels", "PerceptAugment",
            "PerceptEval", "PerceptPointCloud", "PerceptData", "PerceptDistributed", "PerceptTrain", "PerceptAnnotator", "PerceptExport", "PerceptServe",
        ]),
        .executableTarget(name: "PerceptCLI", dependencies: [
            "Percept",
            .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Yams", package: "Yams"),
        ]),

        // A helper the PerceptNN tests run as a subprocess (the resume test); not in any product.
        .executableTarget(name: "PerceptResumeProbe", dependencies: ["PerceptNN"], path: "Sources/PerceptResumeProbe"),

        // Tests: one target per module.
        // What several test targets share: running the built `percept`.
        .target(name: "PerceptTestSupport", path: "Tests/PerceptTestSupport"),
        .testTarget(name: "PerceptRandomTests", dependencies: ["PerceptRandom"], path: "Tests/PerceptRandomTests"),
        .testTarget(name: "PerceptTensorTests", dependencies: ["PerceptTensor", "COpenBLAS", "PerceptThreads"], path: "Tests/PerceptTensorTests"),
        .testTarget(name: "PerceptNNTests", dependencies: ["PerceptNN", "PerceptResumeProbe"], path: "Tests/PerceptNNTests"),
        .testTarget(name: "PerceptImageTests", dependencies: ["PerceptImage", "CImageCodecs"], path: "Tests/PerceptImageTests"),
        .testTarget(name: "PerceptPointCloudTests", dependencies: ["PerceptPointCloud"], path: "Tests/PerceptPointCloudTests"),
        .testTarget(name: "PerceptAugmentTests", dependencies: ["PerceptAugment", "CPixelKernels"], path: "Tests/PerceptAugmentTests"),
        .testTarget(name: "PerceptLabelsTests", dependencies: ["PerceptLabels", "PerceptMessages"], path: "Tests/PerceptLabelsTests"),
        .testTarget(name: "PerceptDataTests", dependencies: ["PerceptData", "PerceptAugment", "CDeflate"], path: "Tests/PerceptDataTests"),
        .testTarget(name: "PerceptEvalTests", dependencies: ["PerceptEval"], path: "Tests/PerceptEvalTests"),
        .testTarget(name: "PerceptModelsTests", dependencies: ["PerceptModels"], path: "Tests/PerceptModelsTests"),
        .testTarget(name: "PerceptCLITests", dependencies: ["PerceptCLI", "PerceptTestSupport"], path: "Tests/PerceptCLITests"),
        .testTarget(name: "PerceptHTTPTests", dependencies: ["PerceptHTTP", .product(name: "Hummingbird", package: "hummingbird")], path: "Tests/PerceptHTTPTests"),
        .testTarget(name: "PerceptAnnotatorTests", dependencies: ["PerceptAnnotator", "PerceptCLI", "PerceptTestSupport"], path: "Tests/PerceptAnnotatorTests"),
        .testTarget(name: "PerceptTrainTests", dependencies: ["PerceptTrain"], path: "Tests/PerceptTrainTests"),
        // Runs `mpirun … percept` on the built binary, so it depends on the executable.
        .testTarget(name: "PerceptDistributedTests", dependencies: ["PerceptDistributed", "PerceptCLI"], path: "Tests/PerceptDistributedTests"),
        .testTarget(name: "PerceptExportTests", dependencies: ["PerceptExport", "PerceptCLI", "PerceptTestSupport"], path: "Tests/PerceptExportTests"),
        // Starts the server in-process and compares its answers with the built `percept`'s predict commands.
        .testTarget(name: "PerceptServeTests", dependencies: ["PerceptServe", "PerceptCLI", "PerceptTestSupport"], path: "Tests/PerceptServeTests"),
    ],
    swiftLanguageModes: [.v5]
)
