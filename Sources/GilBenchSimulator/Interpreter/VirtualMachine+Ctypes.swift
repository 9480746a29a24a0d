import CGilBench

extension VirtualMachine {
    /// CALL_FUNCTION 1 of a ctypes function (`f = CDLL(lib).churn; f.argtypes = [c_uint64];
    /// f.restype = c_uint64`), as CPython 2.7 runs `f(n)`: pops nothing itself; takes the argument
    /// (a new reference, consumed) and returns the result (a new reference).
    ///
    /// Each step does the work of the CPython code it names, on this interpreter's objects:
    /// 1. `Python/ceval.c` `call_function` → `do_call` → `load_args`: the argument moves into a new
    ///    1-tuple (`PyTuple_New`), passed to `PyObject_Call` → the function's `tp_call`.
    /// 2. `Modules/_ctypes/_ctypes.c` `PyCFuncPtr_call` → `_build_callargs`: with no `paramflags`
    ///    the call's arguments are that tuple, with a new reference.
    /// 3. `Modules/_ctypes/callproc.c` `_ctypes_callproc`: the argument goes through its converter,
    ///    `c_uint64.from_param`, called by `PyObject_CallFunctionObjArgs` (another 1-tuple);
    ///    `PyCSimpleType_from_param` makes a `PyCArgObject` (`PyCArgObject_new`) whose value
    ///    `setfunc` converts (`Modules/_ctypes/cfield.c` `L_set`: c_uint64 is c_ulong on LP64;
    ///    `obj` is None); `ConvParam` copies the value into the call's `struct argument` and keeps
    ///    the object until the call ends.
    /// 4. `_call_function_pointer`: the argument-type and argument-address arrays, `ffi_prep_cif`
    ///    (every call, GIL held), `Py_UNBLOCK_THREADS`, `ffi_call`, `Py_BLOCK_THREADS`.
    /// 5. `GetResult`: `L_get` boxes the C result (`PyLong_FromUnsignedLong`: always a new object in 2.7).
    /// 6. The kept `PyCArgObject` and both tuples are released (`PyCArg_dealloc`, `tupledealloc`).
    ///
    /// Departures, each a few nanoseconds of CPython's own work that this interpreter, with no
    /// types or attributes, has nothing to do for: `PyCSimpleType_from_param`'s
    /// `PyObject_IsInstance` (a `__instancecheck__` lookup through the metatype, a bound method
    /// and a call), `_PyType_Lookup` of `from_param`, the stgdict and field-descriptor lookups
    /// (`PyType_stgdict`, `_ctypes_get_fielddesc`), the garbage collector's tracking of tuples.
    @inlinable
    static func callThroughCtypes<G: GlobalInterpreterLock>(
        _ function: ForeignFunction, argument: ObjectRef, heap: inout ObjectHeap, gil: G, thread: inout InterpreterThread
    ) -> ObjectRef {
        // 1-2: do_call's argument tuple; _build_callargs: Py_INCREF(inargs).
        let callArguments = heap.tuple(argument)
        callArguments.pointee.object.refcount &+= 1
        // 3: PyObject_CallFunctionObjArgs(converter, arg, NULL): objargs_mktuple (Py_INCREF(arg)).
        heap.incref(argument)
        let converterArguments = heap.tuple(argument)
        // PyCSimpleType_from_param: parg = PyCArgObject_new(); parg->tag = 'L';
        // parg->obj = L_set(&parg->value, value, 0), which converts and returns Py_None (our None is 0).
        let value = UInt64(truncatingIfNeeded: converterArguments.pointee.object.item.pointee.value)
        let converted = heap.argument(tag: UInt8(ascii: "L"), value: value, keeping: heap.int(0))
        heap.decref(converterArguments)
        // ConvParam: PyCArg_CheckExact(v): pa->keep = v (Py_INCREF), the value copied; then Py_DECREF(v).
        converted.pointee.object.refcount &+= 1
        let cValue = converted.pointee.object.value
        heap.decref(converted)
        // 4-5: _call_function_pointer, then GetResult.
        let result: UInt64
        if let libffi = function.libffi {
            var library = libffi.library
            var call = gb_foreign_call()
            let prepared = gb_ffi_prepare_u64(&library, &call, cValue)
            // The signature is fixed (one uint64_t in, one out): libffi refusing it is a bug.
            precondition(prepared == 0, "ffi_prep_cif refused uint64_t f(uint64_t)")
            gil.releaseForBlocking(&thread)
            result = gb_ffi_call(&library, &call, unsafeBitCast(function.function, to: UnsafeMutableRawPointer.self))
            gil.acquireAfterBlocking(&thread)
        } else {
            gil.releaseForBlocking(&thread)
            result = function.function(cValue)
            gil.acquireAfterBlocking(&thread)
        }
        let boxed = heap.long(Int(truncatingIfNeeded: result))
        // 6: _ctypes_callproc's cleanup, Py_XDECREF(args[i].keep); then Py_DECREF(callargs) in
        // _build_result (no output parameters) and in do_call.
        heap.decref(converted)
        heap.decref(callArguments)
        heap.decref(callArguments)
        return boxed
    }
}
