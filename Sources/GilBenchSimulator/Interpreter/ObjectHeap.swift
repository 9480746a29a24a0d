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
    /// 1-tuples: `Objects/tupleobject.c`'s `free_list[1]`.
    @usableFromInline var tuples = ObjectPool<TupleObject>()
    /// ctypes' `PyCArgObject`s, allocated by `PyObject_New` from pymalloc's pool of their size class.
    @usableFromInline var arguments = ObjectPool<ArgumentObject>()

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
        tuples.destroy()
        arguments.destroy()
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
        return long(value)
    }

    /// CPython 2.7's `PyLong_FromUnsignedLong` (`Objects/longobject.c`): a fresh object every time,
    /// for 2.7 has no cache of small longs. (3.x's `PyLong_FromUnsignedLong` returns its cached
    /// small ints: a departure for 3.x, one allocation.)
    @inline(__always) @usableFromInline
    mutating func long(_ value: Int) -> ObjectRef {
        if freeList == nil { fillFreeList() }
        let object = freeList.unsafelyUnwrapped
        freeList = ObjectRef(bitPattern: object.pointee.value)
        object.pointee = IntObject(refcount: 1, value: value, isBool: false)
        return object
    }

    /// `PyTuple_New(1)` with `item` in `ob_item[0]` (the reference is stolen, as
    /// `PyTuple_SET_ITEM` does).
    @inline(__always) @usableFromInline
    mutating func tuple(_ item: ObjectRef) -> TupleRef {
        tuples.take(TupleObject(refcount: 1, item: item))
    }

    /// `Py_DECREF` of a tuple: at zero, `tupledealloc` releases its item and puts it back on the free list.
    @inline(__always) @usableFromInline
    mutating func decref(_ tuple: TupleRef) {
        if let item = tuples.decref(tuple) { decref(item) }
    }

    /// ctypes' `PyCArgObject_new` and the fields `PyCSimpleType_from_param` sets: `tag` (the type
    /// code), the converted `value` and `obj`, the object kept alive with it (a new reference).
    @inline(__always) @usableFromInline
    mutating func argument(tag: UInt8, value: UInt64, keeping obj: ObjectRef) -> ArgumentRef {
        arguments.take(ArgumentObject(refcount: 1, tag: tag, value: value, obj: obj))
    }

    /// `Py_DECREF` of a `PyCArgObject`: at zero, `PyCArg_dealloc` releases `obj` and frees it (`PyObject_Del`).
    @inline(__always) @usableFromInline
    mutating func decref(_ argument: ArgumentRef) {
        if let obj = arguments.decref(argument) { decref(obj) }
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

/// An object of an ``ObjectPool``: a reference count and the one reference it holds.
@usableFromInline
protocol PooledObject {
    var refcount: Int { get set }
    /// The reference the object releases when it is freed.
    var held: ObjectRef { get }
}

/// A tuple of one item, CPython's `PyTupleObject` with `ob_size` 1.
@usableFromInline
struct TupleObject: PooledObject {
    @usableFromInline var refcount: Int
    @usableFromInline var item: ObjectRef

    @usableFromInline var held: ObjectRef { item }

    @usableFromInline init(refcount: Int, item: ObjectRef) {
        self.refcount = refcount
        self.item = item
    }
}

/// ctypes' `PyCArgObject` (`Modules/_ctypes/ctypes.h`): what `from_param` returns for a simple
/// type, the C value converted from a Python object, and `obj`, kept alive with it.
@usableFromInline
struct ArgumentObject: PooledObject {
    @usableFromInline var refcount: Int
    @usableFromInline var tag: UInt8
    @usableFromInline var value: UInt64
    @usableFromInline var obj: ObjectRef

    @usableFromInline init(refcount: Int, tag: UInt8, value: UInt64, obj: ObjectRef) {
        self.refcount = refcount
        self.tag = tag
        self.value = value
        self.obj = obj
    }

    @usableFromInline var held: ObjectRef { obj }
}

@usableFromInline typealias TupleRef = UnsafeMutablePointer<Pooled<TupleObject>>
@usableFromInline typealias ArgumentRef = UnsafeMutablePointer<Pooled<ArgumentObject>>

/// An object in an ``ObjectPool``, with the link that chains it while it is free.
@usableFromInline
struct Pooled<Object> {
    @usableFromInline var next: UnsafeMutablePointer<Pooled<Object>>?
    @usableFromInline var object: Object
}

/// Objects of one kind handed out from a free list that is refilled a block at a time, as CPython
/// keeps its tuples (`tupleobject.c` `free_list`) and pymalloc its small blocks (`Objects/obmalloc.c`:
/// a pool per size class, whose free blocks are chained through their first word).
@usableFromInline
struct ObjectPool<Object: PooledObject> {
    static var blockObjects: Int { max(1, 4096 / MemoryLayout<Pooled<Object>>.stride) }

    @usableFromInline var free: UnsafeMutablePointer<Pooled<Object>>?
    @usableFromInline var blocks: [UnsafeMutablePointer<Pooled<Object>>] = []

    @usableFromInline init() {
        // take() assigns over fields never initialised, and destroy() frees without deinitialising.
        precondition(_isPOD(Object.self), "an ObjectPool holds plain values only")
    }

    /// A free object set to `object`.
    @inline(__always) @usableFromInline
    mutating func take(_ object: Object) -> UnsafeMutablePointer<Pooled<Object>> {
        if free == nil { refill() }
        let slot = free.unsafelyUnwrapped
        free = slot.pointee.next
        slot.pointee.object = object
        return slot
    }

    /// `Py_DECREF`: at zero the object goes back on the free list, and the reference it held is
    /// returned for the caller to release.
    @inline(__always) @usableFromInline
    mutating func decref(_ slot: UnsafeMutablePointer<Pooled<Object>>) -> ObjectRef? {
        slot.pointee.object.refcount &-= 1
        guard slot.pointee.object.refcount == 0 else { return nil }
        let held = slot.pointee.object.held
        slot.pointee.next = free
        free = slot
        return held
    }

    /// One more block of free objects. Their `object` fields stay uninitialised until taken (plain
    /// values: integers and pointers, nothing to destroy).
    @usableFromInline mutating func refill() {
        let block = UnsafeMutablePointer<Pooled<Object>>.allocate(capacity: Self.blockObjects)
        blocks.append(block)
        for i in 0..<Self.blockObjects {
            (block + i).pointer(to: \.next)!.initialize(to: i + 1 < Self.blockObjects ? block + i + 1 : free)
        }
        free = block
    }

    /// Frees every block.
    @usableFromInline mutating func destroy() {
        for block in blocks { block.deallocate() }
        blocks = []
        free = nil
    }
}
