import GilBenchSimulator
import Foundation

/// The function symbols of a 64-bit little-endian ELF file (a `libpython*.so` or an executable), and
/// where each one's first instruction is in the file: what a uprobe needs (`uprobe` PMU's config2).
///
/// Reads the ELF header, the section headers and both symbol tables (`.symtab`, kept by an unstripped
/// build and holding static functions such as CPython 3's `take_gil`; `.dynsym`, the exported ones),
/// then converts a symbol's virtual address to a file offset through the `PT_LOAD` program header that
/// maps it: offset = address - p_vaddr + p_offset (the ELF specification's "Program Loading"; what
/// `perf probe -x` computes). Only the format's fixed layouts are used, from `<elf.h>`: `Elf64_Ehdr`,
/// `Elf64_Phdr`, `Elf64_Shdr`, `Elf64_Sym`.
public struct ELFSymbolTable: Sendable {
    /// Function name → virtual address (`st_value`), `.symtab` first, then `.dynsym`.
    public private(set) var functions: [String: UInt64] = [:]
    /// Data object name → virtual address (`STT_OBJECT`, such as CPython 2's static `interpreter_lock`).
    public private(set) var objects: [String: UInt64] = [:]
    /// The loadable segments: (p_vaddr, p_filesz, p_offset).
    private var segments: [(address: UInt64, size: UInt64, offset: UInt64)] = []

    /// Reads `path`'s tables.
    /// - Throws: `GilBenchError` `.unreadableInput` when it cannot be read, `.badInput` when it is not a
    ///   64-bit little-endian ELF file or is truncated.
    public init(path: String) throws(GilBenchError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw GilBenchError(.unreadableInput, "cannot read \(path)")
        }
        try self.init(data: data, name: path)
    }

    /// Reads the tables of the ELF image `data`; `name` is for messages.
    public init(data: Data, name: String) throws(GilBenchError) {
        let bytes = [UInt8](data)
        func bad(_ why: String) -> GilBenchError { GilBenchError(.badInput, "\(name): \(why)") }
        guard bytes.count >= 64, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
            throw bad("not an ELF file")
        }
        guard bytes[4] == 2, bytes[5] == 1 else { throw bad("not a 64-bit little-endian ELF file") }
        func integer(_ at: UInt64, _ width: Int) throws(GilBenchError) -> UInt64 {
            guard at <= UInt64(bytes.count), UInt64(bytes.count) - at >= UInt64(width) else { throw bad("truncated ELF file") }
            var value: UInt64 = 0
            for i in (0..<width).reversed() { value = value << 8 | UInt64(bytes[Int(at) + i]) }
            return value
        }
        let programHeaders = try integer(0x20, 8), sectionHeaders = try integer(0x28, 8)
        let programHeaderSize = try integer(0x36, 2), programHeaderCount = try integer(0x38, 2)
        let sectionHeaderSize = try integer(0x3A, 2), sectionHeaderCount = try integer(0x3C, 2)
        for i in 0..<programHeaderCount {
            let header = programHeaders + i * programHeaderSize
            guard try integer(header, 4) == 1 else { continue }  // PT_LOAD
            segments.append((try integer(header + 16, 8), try integer(header + 32, 8), try integer(header + 8, 8)))
        }
        // Sections: (type, offset, size, link, entry size).
        var sections: [(type: UInt64, offset: UInt64, size: UInt64, link: UInt64, entrySize: UInt64)] = []
        for i in 0..<sectionHeaderCount {
            let header = sectionHeaders + i * sectionHeaderSize
            sections.append((
                try integer(header + 4, 4), try integer(header + 24, 8), try integer(header + 32, 8), try integer(header + 40, 4),
                try integer(header + 56, 8)))
        }
        // SHT_SYMTAB (2) before SHT_DYNSYM (11): the full table wins where both name a function.
        for table in sections.filter({ $0.type == 2 }) + sections.filter({ $0.type == 11 }) {
            guard table.entrySize >= 24, table.link < UInt64(sections.count) else { continue }
            let strings = sections[Int(table.link)]
            for index in 0..<(table.size / table.entrySize) {
                let symbol = table.offset + index * table.entrySize
                let info = try integer(symbol + 4, 1), section = try integer(symbol + 6, 2), value = try integer(symbol + 8, 8)
                // STT_FUNC (2) or STT_OBJECT (1), defined here (st_shndx not SHN_UNDEF).
                guard info & 0xF == 2 || info & 0xF == 1, section != 0, value != 0 else { continue }
                let nameOffset = try integer(symbol, 4)
                guard nameOffset < strings.size else { throw bad("a symbol's name lies outside its string table") }
                var end = Int(strings.offset + nameOffset)
                let start = end
                while end < bytes.count, bytes[end] != 0 { end += 1 }
                let name = String(decoding: bytes[start..<end], as: UTF8.self)
                if info & 0xF == 1 {
                    if objects[name] == nil { objects[name] = value }
                } else if functions[name] == nil {
                    functions[name] = value
                }
            }
        }
    }

    /// The address of data object `name` as a uprobe's `@+OFFSET` fetch argument expects it, for a probe on
    /// `function`: the kernel adds the offset to the probed mapping's base, which is the probe's run-time
    /// address minus its file offset (`translate_user_vaddr` in `kernel/trace/trace_uprobe.c`), so the
    /// offset is the object's address minus (the function's address minus its file offset).
    public func fetchOffset(of name: String, probing function: String) -> UInt64? {
        guard let object = objects[name], let address = functions[function], let offset = fileOffset(of: function) else { return nil }
        return object &- (address &- offset)
    }

    /// The file offset of `function`'s first instruction, or nil when the file has no such function
    /// (stripped of `.symtab`, or never defined) or no loadable segment maps it.
    public func fileOffset(of function: String) -> UInt64? {
        guard let address = functions[function] else { return nil }
        guard let segment = segments.first(where: { address >= $0.address && address - $0.address < $0.size }) else { return nil }
        return address - segment.address + segment.offset
    }
}
