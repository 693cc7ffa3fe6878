namespace Enas.Search.Loop;

/// <summary>The phases of the one search loop.</summary>
public enum LoopPhase
{
    /// <summary>Training the shared weights, one sampled child per minibatch (or BPTT window).</summary>
    SharedTraining,

    /// <summary>Training the controller by REINFORCE on the children's rewards.</summary>
    Controller,

    /// <summary>Scoring the policy's (and the uniform) candidates with the shared weights.</summary>
    Derive,
}

/// <summary>A step of a loop phase: <paramref name="Step"/> of <paramref name="Total"/> done (0 when the phase starts).</summary>
/// <param name="Phase">The phase.</param>
/// <param name="Epoch">1-based epoch (null for derive).</param>
/// <param name="Label">The phase's progress label ("epoch 2/8 shared weights", "derive: scoring ...").</param>
/// <param name="Step">Steps done.</param>
/// <param name="Total">Steps of the phase.</param>
public sealed record LoopStep(LoopPhase Phase, int? Epoch, string Label, int Step, int Total);
