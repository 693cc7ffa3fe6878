namespace Enas.Search.Training;

/// <summary>
/// A <see cref="SearchOptions"/> setting is out of range or does not fit another one (thrown by
/// <see cref="SearchOptions.Validate"/> before anything is read or written). <see cref="Option"/> names the property;
/// the message names its command-line flag, the value given and what is allowed.
/// </summary>
public sealed class SearchOptionsException : ArgumentException
{
    /// <summary>Creates the exception for the setting <paramref name="option"/>.</summary>
    /// <param name="option">The <see cref="SearchOptions"/> property at fault (e.g. <c>nameof(SearchOptions.Nodes)</c>).</param>
    /// <param name="message">What is wrong and what is allowed.</param>
    /// <param name="inner">The check that failed, when it was a nested one.</param>
    public SearchOptionsException(string option, string message, Exception? inner = null) : base(message, inner) => Option = option;

    /// <summary>The <see cref="SearchOptions"/> property at fault (e.g. "Nodes", "Epochs"; "ControllerSettings" for
    /// a controller setting).</summary>
    public string Option { get; }
}
