/*
 * Fused GRU and tanh-RNN recurrences for CPU, float32.
 *
 * torch.nn.LSTM runs as one oneDNN kernel on CPU; torch.nn.GRU and
 * torch.nn.RNN run step by step, several operators per step forward and more
 * backward, each with its dispatch and autograd cost. Here one call runs the
 * whole sequence: per step one matrix product with the recurrent weights
 * (through the sgemm of the BLAS that torch ships, passed in as a pointer by
 * sklearn_rnn.modules.fused) and one loop over the gate arithmetic. The input
 * projection of every step is one large matrix product done by torch before
 * the call, and the recurrent weight gradient one large product after it.
 *
 * The gate loops must vectorize: they are written with one pointer per gate,
 * and built with -fno-wrapv (Python's flags add -fwrapv, under which gcc
 * vectorizes none of them) and -fno-trapping-math (the divisions would
 * otherwise keep gcc from if-converting the clamps in exp_approx).
 *
 * Plain C with no Python or torch headers: it builds with any C compiler
 * during `pip install`, whatever torch is installed, and is loaded with
 * ctypes. Layouts (all row-major, contiguous):
 *   gi    [B, T, G*H]  input projection, input bias included (G = 3 for GRU, 1 for RNN)
 *   w     [G*H, H]     recurrent weights (torch's weight_hh_l0)
 *   b     [G*H]        recurrent bias (torch's bias_hh_l0)
 *   h0    [B, H]       initial state
 *   out   [B, T, H]    the state after every step (torch's output)
 * GRU gate order is torch's: reset r, update z, new n.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef void (*sgemm_fn)(const char *transa, const char *transb, const int *m, const int *n, const int *k,
                         const float *alpha, const float *a, const int *lda, const float *b, const int *ldb,
                         const float *beta, float *c, const int *ldc);
/* MKL's CBLAS extensions, optional (NULL where torch's BLAS lacks them): a matrix packed once for
 * many products (cblas_sgemm_pack / cblas_sgemm_compute), and bfloat16 inputs with float32
 * accumulation (cblas_gemm_bf16bf16f32). */
typedef size_t (*pack_size_fn)(int identifier, int m, int n, int k);
typedef void (*pack_fn)(int layout, int identifier, int trans, int m, int n, int k, float alpha, const float *src,
                        int ld, float *dest);
typedef void (*compute_fn)(int layout, int transa, int transb, int m, int n, int k, const float *a, int lda,
                           const float *b, int ldb, float beta, float *c, int ldc);
typedef void (*gemm_bf16_fn)(int layout, int transa, int transb, int m, int n, int k, float alpha, const uint16_t *a,
                             int lda, const uint16_t *b, int ldb, float beta, float *c, int ldc);
/* MKL's thread count of the calling thread (Fortran convention, the count by reference; returns the
 * previous one, and 0 restores the global count). */
typedef int (*threads_local_fn)(const int *n);

enum { COL_MAJOR = 102, NO_TRANS = 111, TRANS = 112, PACKED = 151, A_MATRIX = 161 };

static sgemm_fn sgemm = NULL;
static pack_size_fn pack_size = NULL;
static pack_fn pack = NULL;
static compute_fn compute = NULL;
static gemm_bf16_fn gemm_bf16 = NULL;
static threads_local_fn threads_local = NULL;

/* Bumped whenever a signature below changes; the loader checks it. */
int skrnn_abi_version(void) { return 3; }

void skrnn_set_sgemm(void *fn) { sgemm = (sgemm_fn)fn; }

void skrnn_set_mkl(void *size_fn, void *pack_fn_, void *compute_fn_, void *bf16_fn, void *threads_fn) {
    pack_size = (pack_size_fn)size_fn;
    pack = (pack_fn)pack_fn_;
    compute = (compute_fn)compute_fn_;
    gemm_bf16 = (gemm_bf16_fn)bf16_fn;
    threads_local = (threads_local_fn)threads_fn;
}

/* 1 where the bfloat16 product is there to call (the caller decides whether the CPU runs it fast). */
int skrnn_has_bf16(void) { return gemm_bf16 != NULL; }

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VECTOR_CLONES
#endif

/* ------------------------------------------------ the recurrent products
 * Every step multiplies the same recurrent weights with a new state. A "recurrent product" holds
 * those weights ready for that: packed once by MKL where it can (the plain sgemm packs them again
 * at every call), converted to bfloat16 once for the bfloat16 path. In column-major BLAS terms
 * each step computes c[m, n] = beta * c + op(w)[m, k] @ b[k, n], n being the batch. */
typedef struct {
    int m, n, k, trans, bf16;
    const float *w;       /* the weights as given */
    float *packed;        /* MKL's packed op(w), or NULL */
    uint16_t *w16, *b16;  /* bfloat16 weights and a buffer for one step's input, or NULL */
    int mkl_threads;      /* the calling thread's MKL count before, restored at the end */
} recurrent_product;

static inline uint16_t to_bf16(float x) {
    union { float f; uint32_t u; } v = {x};
    return (uint16_t)((v.u + 0x7FFFu + ((v.u >> 16) & 1u)) >> 16);  /* round to nearest even */
}

VECTOR_CLONES
static void convert_bf16(int n, const float *restrict src, uint16_t *restrict dst) {
    for (int j = 0; j < n; j++) dst[j] = to_bf16(src[j]);
}

/* ok is set to 0 when memory runs out (the caller then returns without computing). */
static recurrent_product product_new(int m, int n, int k, int trans, const float *w, int bf16, int *ok) {
    recurrent_product p = {m, n, k, trans, bf16 && gemm_bf16 != NULL, w, NULL, NULL, NULL, 0};
    /* The caller splits a batch's rows over threads: each call's products run on its own thread. */
    const int one = 1;
    if (threads_local) p.mkl_threads = threads_local(&one);
    if (p.bf16) {
        p.w16 = malloc(sizeof(uint16_t) * (size_t)m * k);
        p.b16 = malloc(sizeof(uint16_t) * (size_t)k * n);
        if (!p.w16 || !p.b16) { *ok = 0; return p; }
        convert_bf16(m * k, w, p.w16);
    } else if (pack_size && pack && compute) {
        p.packed = malloc(pack_size(A_MATRIX, m, n, k));
        if (p.packed) pack(COL_MAJOR, A_MATRIX, trans ? TRANS : NO_TRANS, m, n, k, 1.0f, w, trans ? k : m, p.packed);
    }
    return p;
}

static void product_free(recurrent_product *p) {
    free(p->packed);
    free(p->w16);
    free(p->b16);
    if (threads_local) threads_local(&p->mkl_threads);
}

/* c[m, n] = beta * c + op(w) @ b, b being k x n with leading dimension ldb. */
static void product_run(recurrent_product *p, const float *b, int ldb, float beta, float *c) {
    const int lda = p->trans ? p->k : p->m;
    if (p->bf16) {
        for (int i = 0; i < p->n; i++) convert_bf16(p->k, b + (size_t)i * ldb, p->b16 + (size_t)i * p->k);
        gemm_bf16(COL_MAJOR, p->trans ? TRANS : NO_TRANS, NO_TRANS, p->m, p->n, p->k, 1.0f, p->w16, lda, p->b16, p->k,
                  beta, c, p->m);
    } else if (p->packed) {
        compute(COL_MAJOR, PACKED, NO_TRANS, p->m, p->n, p->k, p->packed, lda, b, ldb, beta, c, p->m);
    } else {
        const float one = 1.0f;
        sgemm(p->trans ? "T" : "N", "N", &p->m, &p->n, &p->k, &one, p->w, &lda, b, &ldb, &beta, c, &p->m);
    }
}

/* exp with Cephes's polynomial (about 1 ulp), written without branches or
 * library calls so that the compiler vectorizes the loops that use it.
 * Rounding to nearest uses the 1.5 * 2^23 trick, which needs strict IEEE
 * float arithmetic: do not build this file with -ffast-math. */
static inline __attribute__((always_inline)) float exp_approx(float x) {
    const float big = 12582912.0f;
    x = x > 88.0f ? 88.0f : (x < -87.0f ? -87.0f : x);
    float n = (x * 1.44269504088896341f + big) - big;
    float r = x - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    union { float f; int i; } scale;
    scale.i = ((int)n + 127) << 23;
    return p * scale.f;
}

static inline __attribute__((always_inline)) float sigmoid(float x) { return 1.0f / (1.0f + exp_approx(-x)); }

static inline __attribute__((always_inline)) float tanh_approx(float x) { return 1.0f - 2.0f / (exp_approx(2.0f * x) + 1.0f); }

/* ------------------------------------------------------------------ GRU */

VECTOR_CLONES
static void gru_gates_forward(int H, const float *restrict gi, const float *restrict gh, const float *restrict b,
                              const float *restrict hp, float *restrict h, float *restrict gates,
                              float *restrict ghn) {
    /* One pointer per gate, so that no index needs 2 * H + j arithmetic. */
    const float *gi_z = gi + H, *gi_n = gi + 2 * H, *gh_z = gh + H, *gh_n = gh + 2 * H;
    const float *b_z = b + H, *b_n = b + 2 * H;
    float *g_z = gates + H, *g_n = gates + 2 * H;
    for (int j = 0; j < H; j++) {
        float r = sigmoid(gi[j] + gh[j] + b[j]);
        float z = sigmoid(gi_z[j] + gh_z[j] + b_z[j]);
        float hn = gh_n[j] + b_n[j];
        float n = tanh_approx(gi_n[j] + r * hn);
        h[j] = n + z * (hp[j] - n);
        gates[j] = r;
        g_z[j] = z;
        g_n[j] = n;
        ghn[j] = hn;
    }
}

/* With keep = 1, gates [B, T, 3H] (r, z, n) and ghn [B, T, H] (the
 * recurrent part of n's input, bias included) receive every step, for the
 * backward pass; with keep = 0 they are [B, 3H] and [B, H] and each step
 * overwrites the last. Every array is laid out row after row of the batch, so
 * that the rows can be split over threads, each call taking a slice. gh is scratch space of B * 3H floats. With bf16 = 1
 * the recurrent products take bfloat16 inputs (float32 sums and gates).
 * Returns 0 when memory for the packed weights ran out, 1 otherwise. */
int skrnn_gru_forward(int B, int T, int H, int keep, int bf16, const float *gi, const float *w, const float *b,
                      const float *h0, float *out, float *gates, float *ghn, float *gh) {
    const int G = 3 * H, ldh0 = H, ldout = T * H;
    int ok = 1;
    /* gh[B, 3H] = hp[B, H] @ w[3H, H]^T: in column-major terms op(w) = w^T is 3H x H. */
    recurrent_product product = product_new(G, B, H, 1, w, bf16, &ok);
    if (!ok) { product_free(&product); return 0; }
    for (int t = 0; t < T; t++) {
        const float *hp = t ? out + (size_t)(t - 1) * H : h0;
        const int ldh = t ? ldout : ldh0;
        product_run(&product, hp, ldh, 0.0f, gh);
        for (int i = 0; i < B; i++) {
            size_t row = keep ? (size_t)i * T + t : (size_t)i;
            gru_gates_forward(H, gi + ((size_t)i * T + t) * G, gh + (size_t)i * G, b, hp + (size_t)i * ldh,
                              out + (size_t)i * T * H + (size_t)t * H, gates + row * G, ghn + row * H);
        }
    }
    product_free(&product);
    return 1;
}

VECTOR_CLONES
static void gru_gates_backward(int H, const float *restrict gates, const float *restrict ghn,
                               const float *restrict hp, const float *restrict dout, float *restrict dh,
                               float *restrict dgi, float *restrict dgh) {
    const float *g_z = gates + H, *g_n = gates + 2 * H;
    float *dgi_z = dgi + H, *dgi_n = dgi + 2 * H, *dgh_z = dgh + H, *dgh_n = dgh + 2 * H;
    for (int j = 0; j < H; j++) {
        float r = gates[j], z = g_z[j], n = g_n[j];
        float d = dh[j] + dout[j];
        float dn = d * (1.0f - z) * (1.0f - n * n);
        float dz = d * (hp[j] - n) * z * (1.0f - z);
        float dr = dn * ghn[j] * r * (1.0f - r);
        dgi[j] = dr;
        dgi_z[j] = dz;
        dgi_n[j] = dn;
        dgh[j] = dr;
        dgh_z[j] = dz;
        dgh_n[j] = dn * r;
        dh[j] = d * z;
    }
}

/* dout [B, T, H] is the gradient of out; dh [B, H] holds the gradient of the
 * final state on entry (zeros if none) and that of h0 on return. dgi [B, T, 3H]
 * receives the gradient of gi, dgh [B, T, 3H] that of the recurrent products
 * (bias included), from which the caller forms the weight and bias gradients.
 * Returns 0 when memory ran out, 1 otherwise. */
int skrnn_gru_backward(int B, int T, int H, int bf16, const float *w, const float *h0, const float *out,
                       const float *gates, const float *ghn, const float *dout, float *dh, float *dgi, float *dgh) {
    const int G = 3 * H, ldg = T * G;
    int ok = 1;
    /* dh[B, H] += dgh_t[B, 3H] @ w[3H, H]: in column-major terms op(w) = w is H x 3H. */
    recurrent_product product = product_new(H, B, G, 0, w, bf16, &ok);
    if (!ok) { product_free(&product); return 0; }
    for (int t = T - 1; t >= 0; t--) {
        for (int i = 0; i < B; i++) {
            size_t seq = (size_t)i * T + t;
            const float *hp = t ? out + seq * H - H : h0 + (size_t)i * H;
            gru_gates_backward(H, gates + seq * G, ghn + seq * H, hp, dout + seq * H, dh + (size_t)i * H,
                               dgi + seq * G, dgh + seq * G);
        }
        product_run(&product, dgh + (size_t)t * G, ldg, 1.0f, dh);
    }
    product_free(&product);
    return 1;
}

/* ------------------------------------------------------------ tanh RNN */

VECTOR_CLONES
static void rnn_forward_row(int H, const float *restrict gi, const float *restrict gh, const float *restrict b,
                            float *restrict h) {
    for (int j = 0; j < H; j++) h[j] = tanh_approx(gi[j] + gh[j] + b[j]);
}

/* gh is scratch space of B * H floats. Returns 0 when memory ran out, 1 otherwise. */
int skrnn_rnn_forward(int B, int T, int H, int bf16, const float *gi, const float *w, const float *b,
                      const float *h0, float *out, float *gh) {
    const int ldh0 = H, ldout = T * H;
    int ok = 1;
    recurrent_product product = product_new(H, B, H, 1, w, bf16, &ok);
    if (!ok) { product_free(&product); return 0; }
    for (int t = 0; t < T; t++) {
        const float *hp = t ? out + (size_t)(t - 1) * H : h0;
        product_run(&product, hp, t ? ldout : ldh0, 0.0f, gh);
        for (int i = 0; i < B; i++)
            rnn_forward_row(H, gi + ((size_t)i * T + t) * H, gh + (size_t)i * H, b,
                            out + ((size_t)i * T + t) * H);
    }
    product_free(&product);
    return 1;
}

VECTOR_CLONES
static void rnn_backward_row(int H, const float *restrict h, const float *restrict dout, const float *restrict dh,
                             float *restrict dpre) {
    for (int j = 0; j < H; j++) dpre[j] = (dh[j] + dout[j]) * (1.0f - h[j] * h[j]);
}

/* dh [B, H]: gradient of the final state on entry, of h0 on return.
 * dpre [B, T, H] receives the gradient of the pre-activation, which is that
 * of gi and of the recurrent product alike. Returns 0 when memory ran out. */
int skrnn_rnn_backward(int B, int T, int H, int bf16, const float *w, const float *out, const float *dout, float *dh,
                       float *dpre) {
    const int ld = T * H;
    int ok = 1;
    recurrent_product product = product_new(H, B, H, 0, w, bf16, &ok);
    if (!ok) { product_free(&product); return 0; }
    for (int t = T - 1; t >= 0; t--) {
        for (int i = 0; i < B; i++) {
            size_t seq = (size_t)i * T + t;
            rnn_backward_row(H, out + seq * H, dout + seq * H, dh + (size_t)i * H, dpre + seq * H);
        }
        /* dh[B, H] = dpre_t[B, H] @ w[H, H] */
        product_run(&product, dpre + (size_t)t * H, ld, 0.0f, dh);
    }
    product_free(&product);
    return 1;
}
