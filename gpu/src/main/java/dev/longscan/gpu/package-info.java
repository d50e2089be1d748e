/**
 * The CUDA backend: linear recurrences h_t = a_t ⊙ h_{t-1} + b_t evaluated on NVIDIA GPUs
 * through the CUDA driver API (JCuda), selected with {@code Backends.select("gpu")},
 * {@code "gpu:N"} or {@code "auto"} through {@link dev.longscan.gpu.GpuProvider}.
 *
 * <p>The kernels (src/main/cuda, compiled into one fatbin resource) implement the chunked scan of
 * E. Martin and C. Cundy, "Parallelizing Linear Recurrent Neural Nets Over Sequence Length"
 * (ICLR 2018), as a single pass with the decoupled look-back of D. Merrill and M. Garland,
 * "Single-pass Parallel Prefix Scan with Decoupled Look-back" (NVIDIA, 2016), made
 * deterministic by always composing a fixed window of predecessors onto an inclusive prefix; the
 * backward pass is the reverse recurrence δ_t = g_t + a_{t+1} ⊙ δ_{t+1} fused with
 * ∂L/∂a_t = h_{t-1} ⊙ δ_t and ∂L/∂b_t = δ_t.
 *
 * <p>The API is {@link dev.longscan.gpu.GpuProvider}. {@link dev.longscan.gpu.DeviceKernels} is
 * public only for the benchmarks module's kernel benchmark and is not API; everything else is
 * package-private.
 */
package dev.longscan.gpu;
