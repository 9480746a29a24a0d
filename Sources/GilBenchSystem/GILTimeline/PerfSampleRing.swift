import GilBenchSimulator
import CGilBench
#if canImport(Glibc)
import Glibc
#endif

/// One perf ring buffer mapped from a sampling event (`perf_event_open(2)`, "MMAP layout"): a metadata
/// page followed by a data area of a power-of-two number of pages that the kernel fills from
/// `data_head` and gilbench empties up to `data_tail`. Other events of the same CPU write here too
/// (`PERF_EVENT_IOC_SET_OUTPUT`).
final class PerfSampleRing {
    private let base: UnsafeMutableRawPointer
    private let length: Int
    private let area: UnsafeRawBufferPointer
    private var tail: UInt64 = 0

    /// Maps `pages` data pages (a power of two) of event `fd`.
    init(fd: Int32, pages: Int) throws(GilBenchError) {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        length = (pages + 1) * pageSize
        guard let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
            throw GilBenchError(.system, "cannot map the perf ring buffer of the GIL probes (\(length / 1024) KiB)", errno: errno)
        }
        base = mapped
        var offset: UInt64 = 0, size: UInt64 = 0
        gb_perf_ring_area(mapped, &offset, &size)
        if size == 0 { (offset, size) = (UInt64(pageSize), UInt64(pages * pageSize)) }  // kernels before 4.1
        area = UnsafeRawBufferPointer(start: mapped + Int(offset), count: Int(size))
    }

    deinit { munmap(base, length) }

    /// Walks every record written since the last call (``PerfRecordDecoder/scan(_:sample:)``), then frees
    /// their space. Records that do not wrap around the end of the area are read in place.
    func drain(_ sample: (Int32, Int32, UInt64, UnsafeRawBufferPointer) -> Void) -> PerfRecords {
        let head = gb_perf_ring_head(base)
        guard head != tail else { return PerfRecords() }
        let size = UInt64(area.count)
        let start = Int(tail % size), count = Int(min(head - tail, size))
        let records: PerfRecords
        if start + count <= area.count {
            records = PerfRecordDecoder.scan(UnsafeRawBufferPointer(rebasing: area[start..<(start + count)]), sample: sample)
        } else {
            let bytes = PerfRecordDecoder.unwrap(area, tail: tail, head: head)
            records = bytes.withUnsafeBytes { PerfRecordDecoder.scan($0, sample: sample) }
        }
        tail = head
        gb_perf_ring_set_tail(base, head)
        return records
    }
}
