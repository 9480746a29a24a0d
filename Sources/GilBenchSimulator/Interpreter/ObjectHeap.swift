/// An interpreter integer object: CPython 2's `PyIntObject` (a reference count and a value).
///
/// The interpreter's values are references to these, counted as `Py_INCREF`/`Py_DECREF` count, so
/// that one instruction costs what it costs in CPython: a push is a reference-count increment, an
/// arithmetic result is a fresh object from a free list, a store releases the old value.
@usableFromInline
struct IntObject {
    @usableFromInline var refcount: Int
    /// The value; on the free list, the address of the next free object.
    @usableFromInline var value: Int
    @usableFromInline var isBool: Bool

    @usableFromInline init(refcount: Int, value: Int, isBool: Bool) {
        self.refcount = refcount
        self.value = value
        self.isBool = isBool
    }
}

@usableFromInline typealias ObjectRef = UnsafeMutablePointer<IntObject>

/// The objects of one interpreter thread: small-int cache, True/False, and a free list of int objects
/// allocated in blocks, as CPython 2.7's `Objects/intobject.c` (`small_ints` for -5...256,
/// `free_list` filled `BLOCK_SIZE` bytes at a time).
///
/// Departure: CPython has one heap for all threads (its reference counts are why it needs a GIL);
/// here each interpreter thread has its own, so that reference counting stays free of data races in
/// Swift's sense even when a run has no GIL. Values that cross threads (globals) are stored as plain
/// integers and boxed on load.
@usableFromInline
struct ObjectHeap {
    static let smallIntMin = -5
    static let smallIntMax = 256
    static let blockObjects = 1000 / MemoryLayout<IntObject>.stride

    @usableFromInline var freeList: ObjectRef?
    @usableFromInline var blocks: [ObjectRef] = []
    @usableFromInline let smallInts: ObjectRef
    @usableFromInline let trueObject: ObjectRef
    @usableFromInline let falseObject: ObjectRef

    @usableFromInline init() {
        let count = ObjectHeap.smallIntMax - ObjectHeap.smallIntMin + 1
        smallInts = .allocate(capacity: count + 2)
        for i in 0..<count {
            // Each cached object starts with one reference, held by the cache: it is never freed.
            (smallInts + i).initialize(to: IntObject(refcount: 1, value: i + ObjectHeap.smallIntMin, isBool: false))
        }
        trueObject = smallInts + count
        falseObject = smallInts + count + 1
        trueObject.initialize(to: IntObject(refcount: 1, value: 1, isBool: true))
        falseObject.initialize(to: IntObject(refcount: 1, value: 0, isBool: true))
    }

    /// Frees every object: call once, when the thread's program has ended.
    @usableFromInline mutating func destroy() {
        smallInts.deallocate()
        for block in blocks { block.deallocate() }
        blocks = []
        freeList = nil
    }

    /// `PyInt_FromLong`: a cached small int, or a fresh object from the free list.
    @inline(__always) @usableFromInline
    mutating func int(_ value: Int) -> ObjectRef {
        if value >= ObjectHeap.smallIntMin && value <= ObjectHeap.smallIntMax {
            let object = smallInts + (value &- ObjectHeap.smallIntMin)
            object.pointee.refcount &+= 1
            return object
        }
        if freeList == nil { fillFreeList() }
        let object = freeList.unsafelyUnwrapped
        freeList = ObjectRef(bitPattern: object.pointee.value)
        object.pointee = IntObject(refcount: 1, value: value, isBool: false)
        return object
    }

    /// `Py_True` / `Py_False`, with a new reference.
    @inline(__always) @usableFromInline
    func bool(_ value: Bool) -> ObjectRef {
        let object = value ? trueObject : falseObject
        object.pointee.refcount &+= 1
        return object
    }

    @inline(__always) @usableFromInline
    func incref(_ object: ObjectRef) { object.pointee.refcount &+= 1 }

    /// `Py_DECREF`: an object whose count drops to zero goes back on the free list (`int_dealloc`).
    @inline(__always) @usableFromInline
    mutating func decref(_ object: ObjectRef) {
        object.pointee.refcount &-= 1
        if object.pointee.refcount == 0 {
            object.pointee.value = Int(bitPattern: freeList)
            freeList = object
        }
    }

    /// `fill_free_list`: one more block of objects, linked through their value fields.
    @usableFromInline mutating func fillFreeList() {
        let block = ObjectRef.allocate(capacity: ObjectHeap.blockObjects)
        blocks.append(block)
        for i in 0..<ObjectHeap.blockObjects {
            let next = i + 1 < ObjectHeap.blockObjects ? Int(bitPattern: block + i + 1) : Int(bitPattern: freeList)
            (block + i).initialize(to: IntObject(refcount: 0, value: next, isBool: false))
        }
        freeList = block
    }
}
