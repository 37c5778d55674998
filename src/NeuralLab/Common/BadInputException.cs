namespace NeuralLab.Common;

/// <summary>
/// The user's input (a file, a flag, a formula) cannot be used. The CLI prints the message as one
/// line on stderr and exits with code 2; anything else escaping a command is an internal failure (1).
/// </summary>
public sealed class BadInputException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// A value read from the file <paramref name="file"/> that the library refused by its parameter's name: the file is at
    /// fault, not a flag, so the message names the file, the parameter and the value ("… Hidden 0: must be positive").
    /// </summary>
    internal static BadInputException InFile(string file, ArgumentException e)
    {
        string reason = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "");
        string value = "";
        if (e is ArgumentOutOfRangeException { ActualValue: { } actual })
        {
            reason = reason.Replace($"Actual value was {actual}.", "");
            value = $" {actual}";
        }
        return new BadInputException($"{file}: {e.ParamName}{value}: {reason.ReplaceLineEndings(" ").Trim()}", e);
    }
}
