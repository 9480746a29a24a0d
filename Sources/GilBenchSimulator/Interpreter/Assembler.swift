/// Reads the text form of a program.
///
/// One instruction per line, CPython's spelling, `#` starts a comment, `label:` names the next
/// instruction. Arguments are written as a reader would: a local or global by name, a constant as an
/// integer literal, a comparison by its symbol, a jump by its label, a native function or a lock by
/// name. A name is a local unless the program declares it with `.global NAME`.
///
///     # countdown: while n > 0: n -= 1
///     .local n
///     loop:
///         LOAD_FAST n
///         LOAD_CONST 0
///         COMPARE_OP >
///         POP_JUMP_IF_FALSE end
///         LOAD_FAST n
///         LOAD_CONST 1
///         INPLACE_SUBTRACT
///         STORE_FAST n
///         JUMP_ABSOLUTE loop
///     end:
///         LOAD_FAST n
///         RETURN_VALUE
///
/// `.local` names the program's arguments in order (the first is `n` for every workload); `.native`
/// `.lock` and `.queue` declare the native functions (resolved from `natives`), user-level locks and
/// message queues it uses.
public enum Assembler {
    /// Assembles `source`.
    /// - Parameters:
    ///   - source: the text form.
    ///   - name: the program's name.
    ///   - available: native functions the program may call by name.
    /// - Throws: ``ProgramError`` with the line of the first mistake.
    public static func assemble(
        _ source: String, name: String, natives available: [NativeFunction] = []
    ) throws(ProgramError) -> Program {
        var locals: [String] = [], globals: [String] = [], locks: [String] = [], queues: [String] = []
        var natives: [NativeFunction] = []
        var constants: [Int] = []
        var labels: [String: Int] = [:]
        var pending: [(line: Int, opcode: Opcode, operand: String?)] = []

        func intern<T: Equatable>(_ value: T, in table: inout [T]) -> Int {
            if let i = table.firstIndex(of: value) { return i }
            table.append(value)
            return table.count - 1
        }

        for (offset, rawLine) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            var text = Substring(rawLine)
            if let hash = text.firstIndex(of: "#") { text = text[..<hash] }
            var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard !words.isEmpty else { continue }
            while let first = words.first, first.hasSuffix(":") {
                let label = String(first.dropLast())
                guard !label.isEmpty, labels[label] == nil else {
                    throw ProgramError(line: lineNumber, message: "label '\(label)' is empty or defined twice")
                }
                labels[label] = pending.count
                words.removeFirst()
            }
            guard let head = words.first else { continue }
            if head.hasPrefix(".") {
                guard words.count >= 2 else {
                    throw ProgramError(line: lineNumber, message: "\(head) needs at least one name")
                }
                for word in words.dropFirst() {
                    switch head {
                    case ".local": _ = intern(word, in: &locals)
                    case ".global": _ = intern(word, in: &globals)
                    case ".lock": _ = intern(word, in: &locks)
                    case ".queue": _ = intern(word, in: &queues)
                    case ".native":
                        guard let function = available.first(where: { $0.name == word }) else {
                            throw ProgramError(line: lineNumber, message: "unknown native function '\(word)'")
                        }
                        if !natives.contains(where: { $0.name == word }) { natives.append(function) }
                    default:
                        throw ProgramError(line: lineNumber, message: "unknown directive \(head)")
                    }
                }
                continue
            }
            guard let opcode = Opcode(name: head) else {
                throw ProgramError(line: lineNumber, message: "unknown instruction '\(head)'")
            }
            guard words.count == (opcode.hasArgument ? 2 : 1) else {
                throw ProgramError(
                    line: lineNumber,
                    message: opcode.hasArgument ? "\(opcode) takes one argument" : "\(opcode) takes no argument")
            }
            pending.append((lineNumber, opcode, words.count == 2 ? words[1] : nil))
        }

        var code: [Instruction] = []
        for (line, opcode, operand) in pending {
            var argument = 0
            if let operand {
                switch opcode {
                case .loadFast, .storeFast:
                    argument = intern(operand, in: &locals)
                case .loadGlobal, .storeGlobal:
                    guard let i = globals.firstIndex(of: operand) else {
                        throw ProgramError(line: line, message: "'\(operand)' is not declared with .global")
                    }
                    argument = i
                case .loadConst:
                    guard let value = Int(String(operand.filter { $0 != "_" })) else {
                        throw ProgramError(line: line, message: "LOAD_CONST needs an integer, not '\(operand)'")
                    }
                    argument = intern(value, in: &constants)
                case .compareOp:
                    guard let op = ComparisonOperator.allCases.first(where: { $0.symbol == operand }) else {
                        throw ProgramError(line: line, message: "unknown comparison '\(operand)'")
                    }
                    argument = op.rawValue
                case .popJumpIfFalse, .popJumpIfTrue, .jumpAbsolute, .genSend:
                    guard let target = labels[operand] else {
                        throw ProgramError(line: line, message: "unknown label '\(operand)'")
                    }
                    argument = target
                case .callNative:
                    guard let i = natives.firstIndex(where: { $0.name == operand }) else {
                        throw ProgramError(line: line, message: "'\(operand)' is not declared with .native")
                    }
                    argument = i
                case .lockAcquire, .lockRelease:
                    guard let i = locks.firstIndex(of: operand) else {
                        throw ProgramError(line: line, message: "'\(operand)' is not declared with .lock")
                    }
                    argument = i
                case .queuePut, .queueGet:
                    guard let i = queues.firstIndex(of: operand) else {
                        throw ProgramError(line: line, message: "'\(operand)' is not declared with .queue")
                    }
                    argument = i
                default:
                    argument = 0
                }
            }
            code.append(Instruction(opcode, Int32(argument)))
        }
        return try Program(
            name: name, instructions: code, constants: constants, localNames: locals, globalNames: globals,
            natives: natives, lockCount: locks.count, queueCount: queues.count)
    }
}
