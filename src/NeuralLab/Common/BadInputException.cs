namespace NeuralLab.Common;

/// <summary>
/// The user's input (a file, a flag, a formula) cannot be used. The CLI prints the message as one
/// line on stderr and exits with code 2; anything else escaping a command is an internal failure (1).
/// </summary>
public sealed class BadInputException(string message, Exception? inner = null) : Exception(message, inner);
