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

typedef void (*sgemm_fn)(const char *transa, const char *transb, const int *m, const int *n, const int *k,
                         const float *alpha, const float *a, const int *lda, const float *b, const int *ldb,
                         const float *beta, float *c, const int *ldc);

static sgemm_fn sgemm = NULL;

/* Bumped whenever a signature below changes; the loader checks it. */
int skrnn_abi_version(void) { return 1; }

void skrnn_set_sgemm(void *fn) { sgemm = (sgemm_fn)fn; }

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VECTOR_CLONES
#endif

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

/* With keep = 1, gates [T, B, 3H] (r, z, n) and ghn [T, B, H] (the
 * recurrent part of n's input, bias included) receive every step, for the
 * backward pass; with keep = 0 they are [B, 3H] and [B, H] and each step
 * overwrites the last. gh is scratch space of B * 3H floats. */
void skrnn_gru_forward(int B, int T, int H, int keep, const float *gi, const float *w, const float *b,
                       const float *h0, float *out, float *gates, float *ghn, float *gh) {
    const int G = 3 * H, ldh0 = H, ldout = T * H;
    const float one = 1.0f, zero = 0.0f;
    for (int t = 0; t < T; t++) {
        const float *hp = t ? out + (size_t)(t - 1) * H : h0;
        const int *ldh = t ? &ldout : &ldh0;
        /* gh[B, 3H] = hp[B, H] @ w[3H, H]^T, in BLAS's column-major terms. */
        sgemm("T", "N", &G, &B, &H, &one, w, &H, hp, ldh, &zero, gh, &G);
        for (int i = 0; i < B; i++) {
            size_t row = (size_t)(keep ? t : 0) * B + i;
            gru_gates_forward(H, gi + ((size_t)i * T + t) * G, gh + (size_t)i * G, b, hp + (size_t)i * *ldh,
                              out + (size_t)i * T * H + (size_t)t * H, gates + row * G, ghn + row * H);
        }
    }
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
 * (bias included), from which the caller forms the weight and bias gradients. */
void skrnn_gru_backward(int B, int T, int H, const float *w, const float *h0, const float *out,
                        const float *gates, const float *ghn, const float *dout, float *dh, float *dgi,
                        float *dgh) {
    const int G = 3 * H, ldg = T * G;
    const float one = 1.0f;
    for (int t = T - 1; t >= 0; t--) {
        for (int i = 0; i < B; i++) {
            size_t row = (size_t)t * B + i, seq = (size_t)i * T + t;
            const float *hp = t ? out + seq * H - H : h0 + (size_t)i * H;
            gru_gates_backward(H, gates + row * G, ghn + row * H, hp, dout + seq * H, dh + (size_t)i * H,
                               dgi + seq * G, dgh + seq * G);
        }
        /* dh[B, H] += dgh_t[B, 3H] @ w[3H, H] */
        sgemm("N", "N", &H, &B, &G, &one, w, &H, dgh + (size_t)t * G, &ldg, &one, dh, &H);
    }
}

/* ------------------------------------------------------------ tanh RNN */

VECTOR_CLONES
static void rnn_forward_row(int H, const float *restrict gi, const float *restrict gh, const float *restrict b,
                            float *restrict h) {
    for (int j = 0; j < H; j++) h[j] = tanh_approx(gi[j] + gh[j] + b[j]);
}

/* gh is scratch space of B * H floats. */
void skrnn_rnn_forward(int B, int T, int H, const float *gi, const float *w, const float *b, const float *h0,
                       float *out, float *gh) {
    const int ldh0 = H, ldout = T * H;
    const float one = 1.0f, zero = 0.0f;
    for (int t = 0; t < T; t++) {
        const float *hp = t ? out + (size_t)(t - 1) * H : h0;
        const int *ldh = t ? &ldout : &ldh0;
        sgemm("T", "N", &H, &B, &H, &one, w, &H, hp, ldh, &zero, gh, &H);
        for (int i = 0; i < B; i++)
            rnn_forward_row(H, gi + ((size_t)i * T + t) * H, gh + (size_t)i * H, b,
                            out + ((size_t)i * T + t) * H);
    }
}

VECTOR_CLONES
static void rnn_backward_row(int H, const float *restrict h, const float *restrict dout, const float *restrict dh,
                             float *restrict dpre) {
    for (int j = 0; j < H; j++) dpre[j] = (dh[j] + dout[j]) * (1.0f - h[j] * h[j]);
}

/* dh [B, H]: gradient of the final state on entry, of h0 on return.
 * dpre [B, T, H] receives the gradient of the pre-activation, which is that
 * of gi and of the recurrent product alike. */
void skrnn_rnn_backward(int B, int T, int H, const float *w, const float *out, const float *dout, float *dh,
                        float *dpre) {
    const int ld = T * H;
    const float one = 1.0f, zero = 0.0f;
    for (int t = T - 1; t >= 0; t--) {
        for (int i = 0; i < B; i++) {
            size_t seq = (size_t)i * T + t;
            rnn_backward_row(H, out + seq * H, dout + seq * H, dh + (size_t)i * H, dpre + seq * H);
        }
        /* dh[B, H] = dpre_t[B, H] @ w[H, H] */
        sgemm("N", "N", &H, &B, &H, &one, w, &H, dpre + (size_t)t * H, &ld, &zero, dh, &H);
    }
}
