// libffi, loaded at run time (dlopen), for the extension workload's foreign calls.
//
// CPython's ctypes calls every foreign function through libffi: `Modules/_ctypes/callproc.c`
// `_ctypes_callproc` fills an array of argument types and one of argument addresses, then
// `_call_function_pointer` runs `ffi_prep_cif` (on every call), releases the GIL, runs `ffi_call`
// and takes the GIL back. The simulator does the same through the functions below, with the GIL
// released by the interpreter between gb_ffi_prepare_u64 and gb_ffi_call. libffi is loaded, not
// linked, so that gilbench builds without libffi's headers (package libffi-dev) and runs without
// the library (the interpreter then calls the function directly and says so).
#include "CGilBench.h"

#include <dlfcn.h>
#include <string.h>

// The only libffi declarations used (<ffi.h>): ffi_status is 0 for FFI_OK; the ABI is
// FFI_DEFAULT_ABI of ffitarget.h (FFI_UNIX64 = 2 on x86-64, FFI_SYSV = 1 on arm64).
typedef int (*ffi_prep_cif_function)(void *cif, int abi, unsigned int nargs, void *rtype, void **atypes);
typedef void (*ffi_call_function)(void *cif, void (*fn)(void), void *rvalue, void **avalues);

#if defined(__x86_64__)
#define GB_FFI_DEFAULT_ABI 2
#elif defined(__aarch64__)
#define GB_FFI_DEFAULT_ABI 1
#endif

int gb_ffi_open(const char *name, gb_ffi_library *library, const char **error) {
    memset(library, 0, sizeof(*library));
#ifndef GB_FFI_DEFAULT_ABI
    (void)name;
    if (error) *error = "libffi's default ABI is not known to gilbench on this architecture";
    return -1;
#else
    void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *message = dlerror();
        if (error) *error = message ? message : "cannot open libffi";
        return -1;
    }
    library->prep_cif = dlsym(handle, "ffi_prep_cif");
    library->call = dlsym(handle, "ffi_call");
    library->type_uint64 = dlsym(handle, "ffi_type_uint64");
    if (!library->prep_cif || !library->call || !library->type_uint64) {
        if (error) *error = "the library has no ffi_prep_cif, ffi_call or ffi_type_uint64";
        memset(library, 0, sizeof(*library));
        return -1;
    }
    return 0;
#endif
}

int gb_ffi_prepare_u64(const gb_ffi_library *library, gb_foreign_call *call, uint64_t argument) {
#ifndef GB_FFI_DEFAULT_ABI
    (void)library; (void)call; (void)argument;
    return -1;
#else
    // _ctypes_callproc: ConvParam stored the converted value in `struct argument`; then
    // atypes[i] = args[i].ffi_type and avalues[i] = &args[i].value.
    call->argument = argument;
    call->result = 0;
    call->argument_types[0] = library->type_uint64;
    call->argument_values[0] = &call->argument;
    // _call_function_pointer: ffi_prep_cif(&cif, FFI_DEFAULT_ABI, argcount, restype, atypes),
    // with the GIL held, on every call.
    ffi_prep_cif_function prep = (ffi_prep_cif_function)library->prep_cif;
    return prep(call->cif, GB_FFI_DEFAULT_ABI, 1, library->type_uint64, call->argument_types) == 0 ? 0 : -1;
#endif
}

uint64_t gb_ffi_call(const gb_ffi_library *library, gb_foreign_call *call, void *function) {
    // _call_function_pointer: ffi_call(&cif, (void *)pProc, resmem, avalues), between
    // Py_UNBLOCK_THREADS and Py_BLOCK_THREADS.
    ffi_call_function invoke = (ffi_call_function)library->call;
    invoke(call->cif, (void (*)(void))function, &call->result, call->argument_values);
    return call->result;
}
