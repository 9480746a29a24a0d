// OpenSSL's SHA-512, loaded at run time (dlopen), for `--sha512-core openssl`.
//
// python3's hashlib hashes with OpenSSL's libcrypto; swift-crypto on Linux hashes with the BoringSSL
// it vendors. On CPUs with AVX2 and BMI2, OpenSSL's SHA-512 has a faster assembly path than
// BoringSSL's, so comparing gilbench with hashlib is only fair on the same core. libcrypto is loaded,
// not linked, so that gilbench builds and runs without OpenSSL's headers or library.
#include "CGilBench.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

static void *(*md_ctx_new)(void);
static void (*md_ctx_free)(void *);
static const void *(*md_sha512)(void);
static int (*digest_init)(void *, const void *, void *);
static int (*digest_update)(void *, const void *, size_t);
static int (*digest_final)(void *, unsigned char *, unsigned int *);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const char *load_error = "libcrypto was not loaded";
static int loaded = 0;

static void load(void) {
    void *library = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libcrypto.so", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *message = dlerror();
        load_error = message ? message : "cannot open libcrypto.so.3";
        return;
    }
    md_ctx_new = (void *(*)(void))dlsym(library, "EVP_MD_CTX_new");
    md_ctx_free = (void (*)(void *))dlsym(library, "EVP_MD_CTX_free");
    md_sha512 = (const void *(*)(void))dlsym(library, "EVP_sha512");
    digest_init = (int (*)(void *, const void *, void *))dlsym(library, "EVP_DigestInit_ex");
    digest_update = (int (*)(void *, const void *, size_t))dlsym(library, "EVP_DigestUpdate");
    digest_final = (int (*)(void *, unsigned char *, unsigned int *))dlsym(library, "EVP_DigestFinal_ex");
    if (!md_ctx_new || !md_ctx_free || !md_sha512 || !digest_init || !digest_update || !digest_final) {
        load_error = "libcrypto has no EVP_MD_CTX_new/EVP_sha512/EVP_Digest* (OpenSSL 1.1 or later is needed)";
        return;
    }
    loaded = 1;
}

int gb_openssl_load(const char **error) {
    pthread_once(&load_once, load);
    if (loaded) return 0;
    if (error) *error = load_error;
    return -1;
}

void *gb_openssl_sha512_new(void) { return loaded ? md_ctx_new() : NULL; }

int gb_openssl_sha512_init(void *context) { return digest_init(context, md_sha512(), NULL); }

int gb_openssl_sha512_update(void *context, const void *data, size_t count) {
    return digest_update(context, data, count);
}

int gb_openssl_sha512_final(void *context, unsigned char *digest) {
    unsigned int length = 0;
    return digest_final(context, digest, &length) == 1 && length == 64;
}

void gb_openssl_sha512_free(void *context) {
    if (context) md_ctx_free(context);
}
