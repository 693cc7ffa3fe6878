namespace Enas.Kernels;

/// <summary>
/// One SGD step on p with gradient g and velocity v (PyTorch semantics):
/// g' = g + WeightDecay * p; v = Momentum * v + g'; step = Nesterov ? g' + Momentum * v : v; p -= LearningRate * step.
/// With Momentum == 0 the velocity is not touched.
/// </summary>
public readonly record struct SgdSettings(float LearningRate, float Momentum, float WeightDecay, bool Nesterov);

/// <summary>
/// One Adam step: g' = g + WeightDecay * p; m = Beta1 m + (1 - Beta1) g'; v = Beta2 v + (1 - Beta2) g'^2;
/// p -= LearningRate * (m / BiasCorrection1) / (sqrt(v / BiasCorrection2) + Epsilon), where
/// BiasCorrection_i = 1 - Beta_i^step (computed on the host).
/// </summary>
public readonly record struct AdamSettings(
    float LearningRate, float Beta1, float Beta2, float Epsilon, float WeightDecay,
    float BiasCorrection1, float BiasCorrection2);
