using Enas.Search.Tasks;
namespace Enas.Search.Training;

/// <summary>Thrown when training is clearly diverging (the recurrent search's check: <see cref="RnnTrainingHealth"/>);
/// the message says what happened, what is left on disk and what to try. The command stops with exit 3.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
