// What every command file uses: System.CommandLine's symbols, invariant number formatting and the library's common types.
global using System.CommandLine;
global using System.Globalization;
global using NeuralLab.Common;
