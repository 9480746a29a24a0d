import GilBenchSimulator
import GilBenchSystem

/// What a result row's configuration is, typed: rows with equal keys are repetitions of one
/// configuration (``Summary`` groups them so; `gilbench compare` matches files by it).
///
/// Each field is one of the ``Column/configuration`` columns. nil is an empty cell: the column does
/// not apply to the configuration (no lock outside the tick design, no `n` for hashing), or the file
/// was written before the column existed. A cell that does not decode into its field's type (a value
/// from another version of gilbench, or another tool) is kept verbatim in ``undecoded``: it still tells
/// configurations apart, and the row still writes back as it was read.
public struct ConfigurationKey: Sendable, Hashable {
    /// The `experiment` label (`gilbench reproduce` sets it).
    public var experiment: String?
    /// The `engine` column as written: `gilbench-sim`, or a real interpreter's name (`cpython-3.11.7`).
    public var engineName: String?
    public var workload: Workload?
    public var mode: ExecutionMode?
    /// The GIL design simulated, or for a real interpreter the design it has (nil when gilbench has no model of it).
    public var gil: GILDesign?
    /// The tick design's lock (nil for the other designs).
    public var lock: LockKind?
    public var tasks: Int?
    public var threads: Int?
    public var processes: Int?
    /// How many CPUs the run was allowed, and which (`cpu_list`).
    public var cpus: Int?
    public var cpuList: [Int]?
    public var n: Int?
    public var checkInterval: Int?
    public var switchIntervalMs: Double?
    public var churnN: Int?
    public var calls: Int?
    public var cpuThreads: Int?
    public var chunkSize: Int?
    public var gilDuringHash: GILDuringHash?
    public var sha512Core: SHA512Core?
    /// What `gilbench sweep` varied (its value is in its own field).
    public var sweepParameter: SweepParameter?
    /// The counter that counted the system calls; nil when none did.
    public var syscallCounter: SyscallCounterKind?
    /// Coroutines: iterations between yields.
    public var yieldEvery: Int?
    /// Pipeline: messages, bytes per message, and the pattern.
    public var messages: Int?
    public var messageSize: Int?
    public var pattern: MessagePattern?
    /// Sequential mode: `SequentialThread.worker`, or nil on the main thread (the default).
    public var sequentialThread: SequentialThread?
    /// Where the interpreter checks the GIL; nil for the design's own (`GILDesign.checkPoints`).
    public var checkPoints: CheckPoints?
    /// Server: connections, iterations of the per-request loop, and the open loop's rate (nil: closed loop).
    public var connections: Int?
    public var requestWork: Int?
    public var rate: Double?
    /// Cells that did not decode into their field's type, verbatim, by column.
    public private(set) var undecoded: [Column: String] = [:]

    public init() {}

    /// What executed the workload: the simulator, or a real interpreter with the GIL design it has.
    public var engine: Engine? {
        get {
            guard let engineName else { return nil }
            return engineName == Engine.simulator.name ? .simulator : .interpreter(name: engineName, gil: gil)
        }
        set { self[cell: .engine] = newValue?.name }
    }

    // MARK: Cells

    /// The column's cell as the CSV holds it (nil: empty). Setting it decodes the cell into its field,
    /// or keeps it in ``undecoded`` when it does not decode. Columns outside the configuration read nil
    /// and are not kept.
    public subscript(cell column: Column) -> String? {
        get {
            if let raw = undecoded[column] { return raw }
            if let field = Self.integerField(column) { return self[keyPath: field].map(String.init) }
            switch column {
            case .experiment: return experiment
            case .engine: return engineName
            case .workload: return workload?.rawValue
            case .mode: return mode?.rawValue
            case .gil: return gil?.rawValue
            case .lock: return lock?.rawValue
            case .cpuList: return cpuList.map { $0.map(String.init).joined(separator: " ") }
            case .switchIntervalMs: return switchIntervalMs.map(DecimalText.compact)
            case .rate: return rate.map(DecimalText.compact)
            case .gilDuringHash: return gilDuringHash?.rawValue
            case .sha512Core: return sha512Core?.rawValue
            case .sweepParameter: return sweepParameter?.column.rawValue
            case .syscallCounter: return syscallCounter?.rawValue
            case .pattern: return pattern?.rawValue
            case .sequentialThread: return sequentialThread?.rawValue
            case .checkPoints: return checkPoints?.rawValue
            default: return nil
            }
        }
        set {
            undecoded[column] = nil
            let cell = newValue.flatMap { $0.isEmpty ? nil : $0 }
            let decoded: Bool
            if let field = Self.integerField(column) {
                decoded = Self.decode(cell, { Int($0) }, into: &self[keyPath: field])
            } else {
                switch column {
                case .experiment: experiment = cell; decoded = true
                case .engine: engineName = cell; decoded = true
                case .workload: decoded = Self.decode(cell, Workload.init(rawValue:), into: &workload)
                case .mode: decoded = Self.decode(cell, ExecutionMode.init(rawValue:), into: &mode)
                case .gil: decoded = Self.decode(cell, GILDesign.init(rawValue:), into: &gil)
                case .lock: decoded = Self.decode(cell, LockKind.init(rawValue:), into: &lock)
                case .cpuList: decoded = Self.decode(cell, Self.cpuList(_:), into: &cpuList)
                case .switchIntervalMs: decoded = Self.decode(cell, ResultRow.real(_:), into: &switchIntervalMs)
                case .rate: decoded = Self.decode(cell, ResultRow.real(_:), into: &rate)
                case .gilDuringHash: decoded = Self.decode(cell, GILDuringHash.init(rawValue:), into: &gilDuringHash)
                case .sha512Core: decoded = Self.decode(cell, SHA512Core.init(rawValue:), into: &sha512Core)
                case .sweepParameter:
                    decoded = Self.decode(cell, { c in SweepParameter.allCases.first { $0.column.rawValue == c } }, into: &sweepParameter)
                case .syscallCounter: decoded = Self.decode(cell, SyscallCounterKind.init(rawValue:), into: &syscallCounter)
                case .pattern: decoded = Self.decode(cell, MessagePattern.init(rawValue:), into: &pattern)
                case .sequentialThread: decoded = Self.decode(cell, SequentialThread.init(rawValue:), into: &sequentialThread)
                case .checkPoints: decoded = Self.decode(cell, CheckPoints.init(rawValue:), into: &checkPoints)
                default: decoded = true
                }
            }
            if !decoded, let cell { undecoded[column] = cell }
        }
    }

    /// The field of a column that holds a whole number; nil for the other columns.
    private static func integerField(_ column: Column) -> WritableKeyPath<ConfigurationKey, Int?>? {
        switch column {
        case .tasks: \.tasks
        case .threads: \.threads
        case .processes: \.processes
        case .cpus: \.cpus
        case .n: \.n
        case .checkInterval: \.checkInterval
        case .churnN: \.churnN
        case .calls: \.calls
        case .cpuThreads: \.cpuThreads
        case .chunkSize: \.chunkSize
        case .yieldEvery: \.yieldEvery
        case .messages: \.messages
        case .messageSize: \.messageSize
        case .connections: \.connections
        case .requestWork: \.requestWork
        default: nil
        }
    }

    /// Sets `field` from `cell`; false when the cell does not decode (the field is then nil).
    private static func decode<T>(_ cell: String?, _ decode: (String) -> T?, into field: inout T?) -> Bool {
        guard let cell else { field = nil; return true }
        field = decode(cell)
        return field != nil
    }

    /// `0 1 3` as the `cpu_list` column writes it.
    private static func cpuList(_ cell: String) -> [Int]? {
        let parts = cell.split(separator: " ", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        return parts.map { $0! }
    }

    /// The key of a row's configuration columns.
    public init(record: CSVRecord) {
        for column in Column.configuration { self[cell: column] = record[column] }
    }

    /// Writes the configuration columns into `record` (empty fields leave their cells empty).
    public func encode(into record: inout CSVRecord) {
        for column in Column.configuration { record[column] = self[cell: column] }
    }

    // MARK: Twins

    /// This key with `columns` emptied.
    public func clearing(_ columns: Set<Column>) -> ConfigurationKey {
        var key = self
        for column in columns { key[cell: column] = nil }
        return key
    }

    /// Whether `other` is this key's twin: equal in every column but `ignoring`.
    public func matches(_ other: ConfigurationKey, ignoring: Set<Column> = []) -> Bool {
        ignoring.isEmpty ? self == other : clearing(ignoring) == other.clearing(ignoring)
    }

    /// The columns a twin that changes the execution mode may also differ in: the thread and process
    /// counts follow from the mode, and the CPU list of a run allowed all CPUs is whatever they are.
    public static let followingMode: Set<Column> = [.threads, .processes, .cpuList]

    /// Every configuration column but `columns`: for twins that need agree only on those.
    public static func allColumns(except columns: Set<Column>) -> Set<Column> {
        Set(Column.configuration).subtracting(columns)
    }
}
