import PerceptTensor

/// The PyTorch names a checkpoint's pickle may use: the tensor and parameter rebuilders, the
/// storage classes (only as arguments of persistent IDs), `torch.Size`, `torch.device` and the
/// tensor types `_rebuild_from_type_v2` names. Rebuilders make placeholder records
/// (``TorchGlobals/tensorClass``) that ``TorchFile`` turns into tensors once the pickle is read;
/// nothing runs.
enum TorchGlobals {
    /// The class name of a tensor placeholder: arguments `[storage, offset, size, stride]`.
    static let tensorClass = "<tensor>"
    /// The class name of a storage placeholder: arguments `[dtype, key, location, element count]`.
    static let storageClass = "<storage>"

    /// Storage classes by name and the element type they hold.
    static let storageTypes: [String: SafetensorsDType] = [
        "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16, "BFloat16Storage": .bfloat16,
        "ByteStorage": .uint8, "CharStorage": .int8, "ShortStorage": .int16, "IntStorage": .int32, "LongStorage": .int64,
        "BoolStorage": .bool, "UntypedStorage": .uint8,
    ]

    /// The allow-list of a checkpoint: numpy's and Python's containers, these, and class records.
    static let allowList = PickleAllowList.numpy.adding(all).allowingClassRecords()

    static let all: [PickleGlobal] = [
        PickleGlobal(module: "torch._utils", name: "_rebuild_tensor_v2", construct: rebuildTensor),
        PickleGlobal(module: "torch._utils", name: "_rebuild_tensor", construct: rebuildTensor),
        PickleGlobal(module: "torch._utils", name: "_rebuild_parameter", construct: rebuildParameter),
        PickleGlobal(module: "torch._utils", name: "_rebuild_parameter_with_state", construct: rebuildParameter),
        PickleGlobal(module: "torch._tensor", name: "_rebuild_from_type_v2", construct: rebuildFromType),
        PickleGlobal(module: "torch", name: "Size", construct: makeSize),
        PickleGlobal(module: "torch", name: "device", construct: makeDevice),
        PickleGlobal(module: "torch", name: "Tensor"),
        PickleGlobal(module: "torch.nn.parameter", name: "Parameter"),
    ] + storageTypes.keys.map { PickleGlobal(module: "torch", name: $0) }
      + ["float32", "float64", "float16", "bfloat16", "int8", "int16", "int32", "int64", "uint8", "bool"].map {
          PickleGlobal(module: "torch", name: $0)
      }

    /// The persistent ID of a storage: `('storage', torch.FloatStorage, key, location, count[, view])`;
    /// any location (`cpu`, `cuda:0`, `mps`) is read onto the CPU.
    @Sendable static func storage(_ id: PickleValue) throws -> PickleValue {
        guard let fields = id.elements, fields.count >= 5, fields[0].text == "storage" else {
            throw PickleArgumentError("expected ('storage', type, key, location, count), found \(id.kindName)")
        }
        guard case .global(module: "torch", let name) = fields[1], storageTypes[name] != nil else {
            throw PickleArgumentError("unknown storage type \(fields[1].kindName)")
        }
        guard let key = fields[2].text, let location = fields[3].text, let count = fields[4].integer, count >= 0 else {
            throw PickleArgumentError("a storage needs a text key and location and a non-negative element count")
        }
        if fields.count > 5, fields[5] != .none {
            throw PickleArgumentError("storage views (PyTorch before 0.4) are not supported")
        }
        return .record(PickleRecord(className: storageClass, arguments: [.string(name), .string(key), .string(location), .int(count)], state: .none))
    }

    /// `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])` and `_rebuild_tensor`.
    @Sendable private static func rebuildTensor(_ arguments: [PickleValue]) throws -> PickleValue {
        guard arguments.count >= 4, case .record(let storage) = arguments[0], storage.className == storageClass else {
            throw PickleArgumentError("a tensor is rebuilt from (storage, offset, size, stride, …)")
        }
        return .record(PickleRecord(className: tensorClass, arguments: Array(arguments[0..<4]), state: .none))
    }

    /// `_rebuild_parameter(data, requires_grad, hooks[, state])`: the tensor itself.
    @Sendable private static func rebuildParameter(_ arguments: [PickleValue]) throws -> PickleValue {
        guard case .record(let tensor)? = arguments.first, tensor.className == tensorClass else {
            throw PickleArgumentError("a parameter is rebuilt from a tensor")
        }
        return .record(tensor)
    }

    /// `_rebuild_from_type_v2(func, type, args, state)` with `func` a tensor rebuilder.
    @Sendable private static func rebuildFromType(_ arguments: [PickleValue]) throws -> PickleValue {
        guard arguments.count == 4, case .global(module: "torch._utils", let name) = arguments[0],
              name == "_rebuild_tensor_v2" || name == "_rebuild_tensor", let inner = arguments[2].elements else {
            throw PickleArgumentError("_rebuild_from_type_v2 is accepted only around a tensor rebuilder")
        }
        return try rebuildTensor(inner)
    }

    /// `torch.Size((…))`: the tuple.
    @Sendable private static func makeSize(_ arguments: [PickleValue]) throws -> PickleValue {
        guard let sizes = arguments.first?.elements else { throw PickleArgumentError("torch.Size takes a tuple") }
        return .tuple(sizes)
    }

    /// `torch.device('cuda', 0)`: its text.
    @Sendable private static func makeDevice(_ arguments: [PickleValue]) throws -> PickleValue {
        guard let type = arguments.first?.text else { throw PickleArgumentError("torch.device takes a device type") }
        return .string(arguments.count > 1 ? "\(type):\(arguments[1].integer.map(String.init) ?? "")" : type)
    }
}
