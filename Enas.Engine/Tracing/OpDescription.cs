using Enas.Kernels;

namespace Enas.Engine.Tracing;

/// <summary>
/// What one recorded op computes, in terms an exporter can translate: the kind and its attributes. The operands are
/// the node's inputs (<see cref="TracedNode.Inputs"/>), in the order each description states.
/// </summary>
public abstract record OpDescription;

/// <summary>y [N, K, OH, OW] = conv2d(x [N, C, H, W], w [K, C / Groups, R, S]): inputs [x, w]; square stride, zero
/// padding on every side, no dilation, no bias; OH = (H + 2·Padding − R) / Stride + 1 (floor).</summary>
public sealed record ConvDescription(int Stride, int Padding, int Groups) : OpDescription;

/// <summary>Square-window pooling of x [N, C, H, W]: input [x]; output size floor((H + 2·Padding − Window) / Stride) + 1.
/// Max: padded positions never win. Average: padded positions are not counted (the divisor is the number of real
/// pixels under the window).</summary>
public sealed record PoolDescription(PoolKind Kind, int Window, int Stride, int Padding) : OpDescription;

/// <summary>Batch norm over x [N, C, ...]. Inference (<see cref="Training"/> false): inputs [x, gamma, beta, running
/// mean, running variance], each statistic [C], y = gamma·(x − mean)/sqrt(var + Epsilon) + beta. Training: input [x]
/// only (batch statistics: not a fixed function of one example, so not exportable).</summary>
public sealed record BatchNormDescription(bool Training, double Epsilon) : OpDescription;

/// <summary>An elementwise unary op on input [x] (<see cref="IUnaryOp"/> name: Relu, Tanh, Sigmoid, Exp, Log,
/// Negate, Square, Identity).</summary>
public sealed record UnaryDescription(string Op) : OpDescription;

/// <summary>An elementwise binary op on inputs [a, b] with broadcasting of size-1 dimensions, right-aligned
/// (<see cref="IBinaryOp"/> name: Add, Subtract, Multiply, Divide).</summary>
public sealed record BinaryDescription(string Op) : OpDescription;

/// <summary>y = Alpha·x + Beta on input [x].</summary>
public sealed record ScaleShiftDescription(double Alpha, double Beta) : OpDescription;

/// <summary>Concatenation of the inputs along <see cref="Axis"/> (non-negative).</summary>
public sealed record ConcatDescription(int Axis) : OpDescription;

/// <summary>y [M, N] = op(a) · op(b) of inputs [a, b], op transposing when asked.</summary>
public sealed record MatMulDescription(bool TransposeA, bool TransposeB) : OpDescription;

/// <summary>Sum, mean or max of input [x] over the axes FirstAxis..LastAxis (non-negative, inclusive), kept as size 1
/// when <see cref="KeepDims"/>.</summary>
public sealed record ReduceDescription(ReduceKind Kind, int FirstAxis, int LastAxis, bool KeepDims) : OpDescription;

/// <summary>Input [x] viewed as <see cref="Shape"/> (the shape at the traced batch size).</summary>
public sealed record ReshapeDescription(Shape Shape) : OpDescription;
